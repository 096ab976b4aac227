package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import org.striate.nn.Graph;
import org.striate.nn.Node;

/**
 * Where the cells of one layer's map sit on the input, per axis (0 = H, 1 = W), as the shift probes
 * need it. Lengths are in input pixels and kept exact as fractions over a common denominator
 * {@code den} (the product of the up-sampling factors on the way), because after up-sampling the jump
 * J (input pixels per cell) can be 1/2 or 2/3:
 * <ul>
 *   <li>{@code jump / den}: J, so an input shift of t pixels moves the map by t / J = t·den / jump cells;</li>
 *   <li>{@code step}: the smallest input shift that every layer up to this one (on every path) sees
 *       as a whole number of cells. Only multiples of it are <em>comparable</em>: an up-sampling after a
 *       stride-2 pooling has J = 1, yet a one-pixel shift already reached the pooling as half a cell;</li>
 *   <li>{@code first / den} and {@code reach / den}: cell p depends on input pixels inside
 *       [first/den + p·J, first/den + p·J + reach/den). Before any up-sampling this is the receptive
 *       field exactly (reach = its size); after one it is an envelope, since where an up-sampled cell
 *       reads is not a linear function of p (see {@link #through}).</li>
 * </ul>
 * The field size reported to users is {@link ReceptiveField}'s; this class only adds what the shift
 * comparison needs on top of it: exact jumps, the comparable step, and the zero-margin envelope.
 */
final class ShiftGeometry {
    final long[] den = {1, 1}, jump = {1, 1}, first = {0, 0}, reach = {1, 1};
    final int[] step = {1, 1}, inputSize = new int[2], field = {1, 1};
    boolean periodic = true;

    /** J as a number, for display. */
    double jumpValue(int axis) { return (double) jump[axis] / den[axis]; }

    /** Whether every layer up to here sees the input shift t as whole cells. */
    boolean comparable(int axis, int t) { return t % step[axis] == 0; }

    /** Whether t / J is a whole number of this map's cells (it may be without being comparable). */
    boolean whole(int axis, int t) { return (long) t * den[axis] % jump[axis] == 0; }

    /** ⌊t / J⌋. */
    int cellsBelow(int axis, int t) { return (int) Math.floorDiv((long) t * den[axis], jump[axis]); }

    /**
     * Zero-margin rule: cell p of the shifted input's map must see only pixels that came from the
     * image (coordinates in [t, size)), and cell p − k of the reference map only pixels of the image
     * ([0, size)), so neither padding nor the zero fill enters the comparison.
     */
    boolean inside(int axis, int p, int k, int t) {
        long d = den[axis], size = inputSize[axis] * d;
        long moved = first[axis] + p * jump[axis], ref = first[axis] + (long) (p - k) * jump[axis];
        return moved >= t * d && moved + reach[axis] <= size && ref >= 0 && ref + reach[axis] <= size;
    }

    /**
     * Per layer (layer i is node i + 1; null after a global layer). A node that reads several nodes
     * takes the union of their envelopes when their jumps agree (else the widest path's), the common
     * multiple of their steps, and is periodic when all of them are.
     */
    static ShiftGeometry[] of(Graph model, List<ProbeStep> steps, int[] input) {
        List<Node> nodes = model.nodes();
        List<ReceptiveField> fields = ReceptiveField.of(model);
        ShiftGeometry[] at = new ShiftGeometry[nodes.size()];
        at[0] = new ShiftGeometry();
        at[0].inputSize[0] = input[1];
        at[0].inputSize[1] = input[2];
        for (int i = 1; i < nodes.size(); i++) {
            ProbeStep s = steps.get(i - 1);
            if (s.kind == ProbeStep.Kind.GLOBAL) continue;
            List<ShiftGeometry> in = new ArrayList<>();
            for (Node n : nodes.get(i).inputs()) if (at[n.index()] != null) in.add(at[n.index()]);
            if (in.isEmpty()) continue;
            ShiftGeometry g = merge(in).through(s);
            ReceptiveField f = fields.get(i - 1);
            g.field[0] = f.sizeH();
            g.field[1] = f.sizeW();
            at[i] = g;
        }
        return java.util.Arrays.copyOfRange(at, 1, at.length);
    }

    private static ShiftGeometry merge(List<ShiftGeometry> in) {
        ShiftGeometry m = new ShiftGeometry(), widest = in.get(0);
        System.arraycopy(widest.inputSize, 0, m.inputSize, 0, 2);
        for (int a = 0; a < 2; a++) {
            long d = 1;
            int step = 1;
            for (ShiftGeometry g : in) {
                d = lcm(d, g.den[a]);
                step = (int) lcm(step, g.step[a]);
                if (g.reach[a] * widest.den[a] > widest.reach[a] * g.den[a]) widest = g;
            }
            long scale = d / widest.den[a], jump = widest.jump[a] * scale, lo = widest.first[a] * scale, hi = lo + widest.reach[a] * scale;
            for (ShiftGeometry g : in) {
                long s = d / g.den[a];
                if (g.jump[a] * s != jump) continue;
                lo = Math.min(lo, g.first[a] * s);
                hi = Math.max(hi, (g.first[a] + g.reach[a]) * s);
            }
            m.den[a] = d;
            m.jump[a] = jump;
            m.first[a] = lo;
            m.reach[a] = hi - lo;
            m.step[a] = step;
        }
        for (ShiftGeometry g : in) m.periodic &= g.periodic;
        return m;
    }

    /**
     * After one step. A window of extent e, stride s and padding q: first − q·J, reach + (e − 1)·J,
     * jump J·s. An up-sampling by f, cropping P cells, each output reading at most n input cells:
     * output p reads input cells inside [(p + P)/f − n + 1/f, (p + P)/f] (a transposed convolution,
     * and nearest up-sampling with n = 1), one more to the right when n > 1 (bilinear reads around
     * (p + ½)/f − ½). In pixels: first + J/f·(P + 1) − n·J, reach + (n + e)·J − J/f with e = 1 if n > 1,
     * jump J/f. Exact in-between cells are skipped on purpose: the envelope is at most one input cell of
     * the up-sampling's input wider than the field on each side, and the margin stays safe.
     */
    private ShiftGeometry through(ProbeStep s) {
        int[] extent = {s.extentH, s.extentW}, stride = {s.strideH, s.strideW}, pad = {s.padH, s.padW};
        for (int a = 0; a < 2; a++) {
            if (s.kind == ProbeStep.Kind.WINDOW) {
                first[a] -= pad[a] * jump[a];
                reach[a] += (extent[a] - 1) * jump[a];
                jump[a] *= stride[a];
            } else if (s.kind == ProbeStep.Kind.UPSAMPLING) {
                long f = stride[a], n = extent[a], j = jump[a], extra = n > 1 ? 1 : 0;
                den[a] *= f;
                first[a] = first[a] * f + j * (pad[a] + 1) - n * j * f;
                reach[a] = reach[a] * f + (n + extra) * j * f - j;
                long g = gcd(gcd(den[a], j), gcd(Math.abs(first[a]), reach[a]));
                den[a] /= g;
                jump[a] = j / g;
                first[a] /= g;
                reach[a] /= g;
            }
            // t / J is whole for every multiple of J's reduced numerator, and only for those
            step[a] = (int) lcm(step[a], jump[a] / gcd(jump[a], den[a]));
        }
        periodic &= s.periodic();
        return this;
    }

    private static long gcd(long a, long b) { return b == 0 ? Math.max(a, 1) : gcd(b, a % b); }

    private static long lcm(long a, long b) { return a / gcd(a, b) * b; }
}
