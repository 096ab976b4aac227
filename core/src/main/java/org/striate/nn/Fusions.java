package org.striate.nn;

import java.util.Arrays;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Which nodes of a {@link Graph} run as one pass with their readers, as the layers say
 * ({@link Layer#fusesForwardWith}, {@link Layer#fusesBackwardWith}): a node pairs with its only reader,
 * and a forward pair may take that reader's only reader in too (Conv2d → ReLU → 2×2 max pool). Such a
 * triple may also train as one pass ({@link Layer#fusesTrainingWith}): its backward is then one call too.
 * In a model made for inference, a triple may take a fourth node in ({@link #fuseLast}).
 * {@link #forward} runs a forward pass as these fusions make it.
 */
final class Fusions {
    /** forwardInto[i] = j when node i runs fused with its only reader j (or, with forwardVia, that reader's reader), else −1. */
    final int[] forwardInto;
    /** forwardVia[i] = m when node i runs fused with its reader m and m's reader forwardInto[i], else −1. */
    final int[] forwardVia;
    /** forwardLast[i] = q when node i's triple also runs its end's only reader q (inference), else −1. */
    private final int[] forwardLast;
    /** backwardInto[j] = i when node j's backward runs fused with that of its input i, else −1. */
    final int[] backwardInto;
    /** backwardFrom[k] = i when node k's backward is that of the triple i → forwardVia[i] → k, one call of i's layer, else −1. */
    final int[] backwardFrom;
    /** Nodes whose pass another node's runs. */
    final boolean[] skipForward, skipBackward;
    /**
     * In a model made for inference ({@link #fuseSums}): sumInto[i] = k when pass i also writes the sum
     * of Add node k (and runs k's ReLU when k runs with one), sumOther[i] the sum's other input; else −1.
     */
    private final int[] sumInto, sumOther;
    /** Each node's inputs' outputs, in arrays reused from call to call. */
    private final Tensor[][] args;

    Fusions(Node[] nodes, int[][] inputsOf, int[] consumers) {
        int n = nodes.length;
        args = new Tensor[n][];
        for (int i = 0; i < n; i++) args[i] = new Tensor[inputsOf[i].length];
        forwardInto = new int[n];
        forwardVia = new int[n];
        backwardInto = new int[n];
        backwardFrom = new int[n];
        skipForward = new boolean[n];
        skipBackward = new boolean[n];
        forwardLast = new int[n];
        sumInto = new int[n];
        sumOther = new int[n];
        Arrays.fill(forwardLast, -1);
        Arrays.fill(sumInto, -1);
        Arrays.fill(sumOther, -1);
        Arrays.fill(forwardInto, -1);
        Arrays.fill(forwardVia, -1);
        Arrays.fill(backwardInto, -1);
        Arrays.fill(backwardFrom, -1);
        int out = nodes.length - 1;
        for (int j = 1; j < nodes.length; j++) {
            if (inputsOf[j].length != 1) continue;
            int i = inputsOf[j][0];
            if (i == 0 || i == out || consumers[i] != 1) continue;
            if (!skipForward[i] && forwardInto[i] < 0 && nodes[i].layer.fusesForwardWith(nodes[j].layer)) {
                forwardInto[i] = j;
                skipForward[j] = true;
            }
            if (backwardInto[j] < 0 && !skipBackward[j] && nodes[j].layer.fusesBackwardWith(nodes[i].layer)) {
                backwardInto[j] = i;
                skipBackward[i] = true;
            }
        }
        // a fused pair whose second node has one reader may take that reader in too
        for (int k = 1; k < nodes.length; k++) {
            if (inputsOf[k].length != 1) continue;
            int m = inputsOf[k][0];
            if (m == 0 || m == out || consumers[m] != 1 || !skipForward[m] || skipForward[k]) continue;
            int i = inputsOf[m][0];
            if (inputsOf[i].length == 1 && forwardInto[i] == m && forwardVia[i] < 0 && nodes[i].layer.fusesForwardWith(nodes[m].layer, nodes[k].layer)) {
                forwardInto[i] = k;
                forwardVia[i] = m;
                skipForward[k] = true;
                if (nodes[i].layer.fusesTrainingWith(nodes[m].layer, nodes[k].layer)) {
                    backwardInto[k] = -1;  // the pair k → m is now part of the triple
                    backwardFrom[k] = i;
                    skipBackward[m] = skipBackward[i] = true;
                }
            }
        }
    }

    /**
     * For a model made for inference: a triple's pass (i → forwardVia[i] → forwardInto[i]) takes in the
     * only reader of its end when the first layer says so ({@link Layer#fusesForwardWith(Layer, Layer, Layer)}).
     */
    void fuseLast(Node[] nodes, int[][] inputsOf, int[] consumers) {
        int out = nodes.length - 1;
        for (int q = 1; q < nodes.length; q++) {
            if (skipForward[q] || inputsOf[q].length != 1) continue;
            int k = inputsOf[q][0];
            if (k == 0 || k == out || consumers[k] != 1 || !skipForward[k]) continue;
            int m = inputsOf[k][0], i = m == 0 ? 0 : inputsOf[m][0];
            if (i == 0 || forwardInto[i] != k || forwardVia[i] != m || forwardLast[i] >= 0) continue;
            if (nodes[i].layer.fusesForwardWith(nodes[m].layer, nodes[k].layer, nodes[q].layer)) {
                forwardLast[i] = q;
                skipForward[q] = true;
            }
        }
    }

    /**
     * For a model made for inference: a two-input sum (a residual block's Add, {@link Layer#isSum}) is
     * written by the pass that makes the later of its inputs, when that input is read by the sum alone
     * and the pass's layers say they can add as they write ({@link Layer#takesSum}): the sum's own pass
     * over memory (with its ReLU) is then skipped. The other input was made by an earlier pass.
     */
    void fuseSums(Node[] nodes, int[][] inputsOf, int[] consumers) {
        int out = nodes.length - 1;
        for (int k = 1; k < nodes.length; k++) {
            if (skipForward[k] || inputsOf[k].length != 2 || !nodes[k].layer.isSum()) continue;
            int a = inputsOf[k][0], b = inputsOf[k][1], pa = passMaking(a), pb = passMaking(b);
            if (a == b || pa < 0 && a != 0 || pb < 0 && b != 0) continue;
            int i = Math.max(pa, pb), made = i == pa ? a : b;
            if (i < 0 || made == out || consumers[made] != 1) continue;
            if (forwardVia[i] >= 0 || sumInto[i] >= 0) continue;  // a ReLU before the sum, or a sum already
            if (!nodes[i].layer.takesSum(forwardInto[i] >= 0 ? nodes[forwardInto[i]].layer : null)) continue;
            sumInto[i] = k;
            sumOther[i] = made == a ? b : a;
            skipForward[k] = true;
        }
    }

    /**
     * The node whose forward pass makes node v's output (v itself, or the start of the pass v ends, a
     * sum's pass included), or −1 (the input, or v inside a pass).
     */
    private int passMaking(int v) {
        if (v == 0) return -1;
        if (!skipForward[v]) return forwardInto[v] < 0 && sumInto[v] < 0 ? v : -1;
        for (int i = v - 1; i > 0; i--) {
            if (!skipForward[i] && (sumInto[i] >= 0 ? sumOutput(i) : forwardLast[i] >= 0 ? forwardLast[i] : forwardInto[i]) == v) return i;
        }
        return -1;
    }

    /** Whether c is neither the input nor the output, a pass ends at it, and no node after it reads one before it. */
    boolean cutsAfter(int c, int[][] inputsOf) {
        if (c <= 0 || c >= inputsOf.length - 1 || passMaking(c) < 0) return false;
        for (int j = c + 1; j < inputsOf.length; j++) {
            for (int i : inputsOf[j]) if (i < c) return false;
        }
        return true;
    }

    /** Refuses a range (from, to] of nodes to run on their own unless each end is the input, the output or a cut. */
    void requireRange(int from, int to, int[][] inputsOf) {
        int out = inputsOf.length - 1;
        if ((from != 0 && !cutsAfter(from, inputsOf)) || (to != out && !cutsAfter(to, inputsOf)) || from >= to) {
            throw new StriateException("Cannot run nodes " + from + " to " + to + " on their own: expected each end to be the input,"
                    + " the output or a node the graph can be cut after (Graph.cutsAfter), and from before to.");
        }
    }

    /** The node whose output pass i writes when it also writes a sum ({@link #sumInto}): the sum's ReLU, or the sum. */
    private int sumOutput(int i) {
        int k = sumInto[i];
        return forwardInto[k] >= 0 ? forwardInto[k] : k;
    }

    /**
     * Runs the forward pass node i starts (not {@link #skipForward}): node i alone, with the readers it
     * fuses with, or writing the sum it goes to; the pass's output into values at the node ending it.
     */
    void forward(Node[] nodes, int[][] inputsOf, int i, Tensor[] values, boolean training) {
        Layer layer = nodes[i].layer;
        int j = forwardInto[i], m = forwardVia[i];
        boolean one = inputsOf[i].length == 1;
        if (forwardLast[i] >= 0) {
            values[forwardLast[i]] = layer.forwardFused(nodes[m].layer, nodes[j].layer, nodes[forwardLast[i]].layer, values[inputsOf[i][0]]);
        } else if (sumInto[i] >= 0) {
            int q = forwardInto[sumInto[i]];
            values[sumOutput(i)] = layer.forwardSum(j >= 0 ? nodes[j].layer : null, values[inputsOf[i][0]], values[sumOther[i]],
                    q >= 0 ? (ReLU) nodes[q].layer : null);
        } else if (j >= 0 && !one) {
            values[j] = layer.forwardFused(nodes[j].layer, inputValues(inputsOf, i, values), training);  // pairs only
        } else if (j >= 0) {
            Tensor in = values[inputsOf[i][0]];
            values[j] = m < 0 ? layer.forwardFused(nodes[j].layer, in, training)
                    : layer.forwardFused(nodes[m].layer, nodes[j].layer, in, training);
        } else {
            values[i] = one ? layer.forward(values[inputsOf[i][0]], training) : layer.forward(inputValues(inputsOf, i, values), training);
        }
    }

    /** Node i's inputs' outputs, in a reused array. */
    private Tensor[] inputValues(int[][] inputsOf, int i, Tensor[] values) {
        Tensor[] a = args[i];
        for (int k = 0; k < a.length; k++) a[k] = values[inputsOf[i][k]];
        return a;
    }

    /** The forward pass node i starts, the names of the nodes it runs joined by '+', or null when i runs inside another's. */
    String passName(Node[] nodes, int i) {
        if (skipForward[i]) return null;
        String pass = nodes[i].name;
        if (forwardVia[i] >= 0) pass += "+" + nodes[forwardVia[i]].name;
        if (forwardInto[i] >= 0) pass += "+" + nodes[forwardInto[i]].name;
        if (forwardLast[i] >= 0) pass += "+" + nodes[forwardLast[i]].name;
        int k = sumInto[i];
        if (k >= 0) pass += "+" + nodes[k].name + (forwardInto[k] >= 0 ? "+" + nodes[forwardInto[k]].name : "");
        return pass;
    }
}
