package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API and a fixed thread pool. Convolution is im2col + {@link SimdGemm} per
 * sample (a 1×1 convolution at stride 1 multiplies the input directly), its input gradient is a
 * transposed GEMM + col2im, its weight gradient a GEMM against the im2col columns accumulated per
 * thread part and summed in part order. Whole batches are split over threads; a batch smaller than
 * the pool splits each GEMM's columns instead (batch-1 latency).
 *
 * <p>Loaded only by reflection from {@link KernelProvider}, so the library runs without the module.
 */
public final class SimdKernels implements Kernels, AutoCloseable {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private final Parallel pool;

    public SimdKernels(int threads) {
        if (S.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("the preferred vector width is " + S.vectorBitSize()
                    + " bits; SIMD kernels need at least 256");
        }
        this.pool = new Parallel(threads);
    }

    /** Bits in the preferred float vector of this CPU, e.g. 512. */
    public static int vectorBits() { return S.vectorBitSize(); }

    public int threads() { return pool.threads(); }

    /** Stops the pool's idle workers; called when another kernel set replaces this one. */
    @Override
    public void close() { pool.close(); }

    /** The pool, shared with callers that want the same threads (the benchmark's peak FLOP/s). */
    public Parallel pool() { return pool; }

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize() + " " + pool.threads() + (pool.threads() == 1 ? " thread" : " threads");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        SimdGemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
    }

    // ---- convolution ----

    private static boolean pointwise(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** Splits over samples when there are enough of them, otherwise over each GEMM's columns. */
    private interface SampleTask { void run(int n, Parallel inner); }

    private void forSamples(int batch, SampleTask task) {
        if (batch >= pool.threads()) {
            pool.run(batch, (part, from, to) -> { for (int n = from; n < to; n++) task.run(n, null); });
        } else {
            for (int n = 0; n < batch; n++) task.run(n, pool);
        }
    }

    @Override
    public void conv2dForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup(), per = SimdGemm.packedSize(og, kg);
        float[] ap = Scratch.get().packW(per * g.groups());
        for (int gi = 0; gi < g.groups(); gi++) SimdGemm.packWhole(false, og, kg, w, wOff + gi * og * kg, kg, ap, gi * per);
        forSamples(batch, (n, inner) -> convForwardSample(g, n, x, ap, per, bias, bOff, y, inner));
    }

    private static void convForwardSample(ConvGeometry g, int n, float[] x, float[] ap, int per, float[] bias, int bOff,
                                          float[] y, Parallel inner) {
        int spatial = g.outH() * g.outW(), kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup();
        float[] col;
        int colOff;
        if (pointwise(g)) {
            col = x;
            colOff = n * g.inSize();
        } else {
            col = Scratch.get().col(g.inC() * g.kH() * g.kW() * spatial);
            colOff = 0;
            Im2col.im2col(g, x, n * g.inSize(), col);
        }
        int yOff = n * g.outSize();
        if (bias != null) {
            for (int o = 0; o < g.outC(); o++) Arrays.fill(y, yOff + o * spatial, yOff + (o + 1) * spatial, bias[bOff + o]);
        }
        float beta = bias == null ? 0f : 1f;
        for (int gi = 0; gi < g.groups(); gi++) {
            multiply(og, spatial, kg, ap, gi * per, col, colOff + gi * kg * spatial, beta, y, yOff + gi * og * spatial, inner);
        }
    }

    /** C (m×n, ldc = n) = packed A · B (k×n, ldb = n) + beta·C, columns split over {@code inner} if given. */
    private static void multiply(int m, int n, int k, float[] ap, int apOff, float[] b, int bOff, float beta,
                                 float[] c, int cOff, Parallel inner) {
        int panels = (n + SimdGemm.NR - 1) / SimdGemm.NR;
        if (inner == null || panels < 2) {
            SimdGemm.multiplyPacked(m, 0, n, k, ap, apOff, false, b, bOff, n, beta, c, cOff, n);
        } else {
            inner.run(panels, (part, from, to) -> SimdGemm.multiplyPacked(m, from * SimdGemm.NR, Math.min(n, to * SimdGemm.NR), k,
                    ap, apOff, false, b, bOff, n, beta, c, cOff, n));
        }
    }

    @Override
    public void conv2dBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup(), per = SimdGemm.packedSize(kg, og);
        float[] ap = Scratch.get().packW(per * g.groups());
        for (int gi = 0; gi < g.groups(); gi++) SimdGemm.packWhole(true, kg, og, w, wOff + gi * og * kg, kg, ap, gi * per);
        forSamples(batch, (n, inner) -> {
            int spatial = g.outH() * g.outW();
            boolean direct = pointwise(g);
            float[] dcol = direct ? dx : Scratch.get().col(g.inC() * g.kH() * g.kW() * spatial);
            int dcolOff = direct ? n * g.inSize() : 0;
            for (int gi = 0; gi < g.groups(); gi++) {
                multiply(kg, spatial, og, ap, gi * per, dy, n * g.outSize() + gi * og * spatial, 0f, dcol, dcolOff + gi * kg * spatial, inner);
            }
            if (!direct) {
                Arrays.fill(dx, n * g.inSize(), (n + 1) * g.inSize(), 0f);
                Im2col.col2im(g, dcol, dx, n * g.inSize());
            }
        });
    }

    @Override
    public void conv2dBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int spatial = g.outH() * g.outW(), kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup();
        int ws = g.weightSize(), size = ws + g.outC();
        float[][] acc = Scratch.get().partials(pool.threads(), size);
        pool.run(batch, (part, from, to) -> {
            float[] sum = acc[part];
            Arrays.fill(sum, 0, size, 0f);
            for (int n = from; n < to; n++) {
                float[] col;
                int colOff;
                if (pointwise(g)) {
                    col = x;
                    colOff = n * g.inSize();
                } else {
                    col = Scratch.get().col(g.inC() * g.kH() * g.kW() * spatial);
                    colOff = 0;
                    Im2col.im2col(g, x, n * g.inSize(), col);
                }
                int dyOff = n * g.outSize();
                for (int gi = 0; gi < g.groups(); gi++) {
                    SimdGemm.gemm(false, true, og, kg, spatial, dy, dyOff + gi * og * spatial, spatial,
                            col, colOff + gi * kg * spatial, spatial, 1f, sum, gi * og * kg, kg, null);
                }
                for (int o = 0; o < g.outC(); o++) sum[ws + o] += sumOf(dy, dyOff + o * spatial, spatial);
            }
        });
        for (int part = 0; part < pool.threads(); part++) {
            if (Parallel.split(batch, pool.threads(), part) == Parallel.split(batch, pool.threads(), part + 1)) continue;
            addInto(dw, dwOff, acc[part], 0, ws);
            if (dbias != null) addInto(dbias, dbOff, acc[part], ws, g.outC());
        }
    }

    // ---- dense ----

    @Override
    public void denseForward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y) {
        if (b != null) {
            for (int n = 0; n < batch; n++) System.arraycopy(b, bOff, y, n * out, out);
        }
        SimdGemm.gemm(false, true, batch, out, in, x, 0, in, w, wOff, in, b == null ? 0f : 1f, y, 0, out, pool);
    }

    @Override
    public void denseBackward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] dy,
                              float[] dx, float[] dw, int dwOff, float[] db, int dbOff) {
        if (dx != null) SimdGemm.gemm(false, false, batch, in, out, dy, 0, out, w, wOff, in, 0f, dx, 0, in, pool);
        SimdGemm.gemm(true, false, out, in, batch, dy, 0, out, x, 0, in, 1f, dw, dwOff, in, pool);
        if (db != null) {
            for (int n = 0; n < batch; n++) addInto(db, dbOff, dy, n * out, out);
        }
    }

    // ---- pooling ----

    @Override
    public void pool2dForward(PoolGeometry g, int batch, float[] x, float[] y, int[] arg) {
        boolean max2x2 = g.kind() == PoolGeometry.Kind.MAX && g.kH() == 2 && g.kW() == 2 && g.strideH() == 2
                && g.strideW() == 2 && g.padH() == 0 && g.padW() == 0;
        int planes = batch * g.channels();
        int work = planes * g.outH() * g.outW();
        Parallel.RangeTask task = (part, from, to) -> {
            for (int nc = from; nc < to; nc++) {
                if (max2x2) Pooling.max2x2Plane(g, nc, x, y, arg);
                else Pooling.forwardPlane(g, nc, x, y, arg);
            }
        };
        if (work < 4096) task.run(0, 0, planes);
        else pool.run(planes, task);
    }

    @Override
    public void pool2dBackward(PoolGeometry g, int batch, float[] dy, int[] arg, float[] dx) {
        int planes = batch * g.channels();
        Parallel.RangeTask task = (part, from, to) -> {
            for (int nc = from; nc < to; nc++) Pooling.backwardPlane(g, nc, dy, arg, dx);
        };
        if (planes * g.inH() * g.inW() < 4096) task.run(0, 0, planes);
        else pool.run(planes, task);
    }

    // ---- element-wise ----

    private static final int ELEMENTWISE_CHUNK = 1 << 15;

    @Override
    public void reluForward(int n, float[] x, float[] y) {
        elementwise(n, (part, from, to) -> {
            int i = from;
            for (int bound = to - L; i <= bound; i += L) {
                FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
            }
            for (; i < to; i++) y[i] = Math.max(x[i], 0f);
        });
    }

    @Override
    public void reluBackward(int n, float[] x, float[] dy, float[] dx) {
        elementwise(n, (part, from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(S);
            for (int bound = to - L; i <= bound; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                zero.blend(FloatVector.fromArray(S, dy, i), xv.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
            }
            for (; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
        });
    }

    /** Splits [0, n) in whole vectors over the pool when it is large enough to pay for the hand-off. */
    private void elementwise(int n, Parallel.RangeTask body) {
        if (n < ELEMENTWISE_CHUNK || pool.threads() == 1) {
            body.run(0, 0, n);
            return;
        }
        int blocks = (n + L - 1) / L;
        pool.run(blocks, (part, from, to) -> body.run(part, from * L, Math.min(n, to * L)));
    }

    private static float sumOf(float[] a, int off, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += a[off + i];
        return s;
    }

    /** dst[dOff + i] += src[sOff + i] for i < len. */
    private static void addInto(float[] dst, int dOff, float[] src, int sOff, int len) {
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) {
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < len; i++) dst[dOff + i] += src[sOff + i];
    }
}
