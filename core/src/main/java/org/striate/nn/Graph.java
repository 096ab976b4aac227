package org.striate.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.striate.StriateException;
import org.striate.kernels.Kernels;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * A model: a directed acyclic graph of named nodes, each a layer applied to one or more earlier nodes,
 * from one input to one output ({@link GraphBuilder}, {@link Sequential} for plain stacks). All
 * parameters live in one flat {@code float[]} and all gradients in a twin with the same layout, node
 * by node in graph order, so an optimizer (or an all-reduce) sees one array.
 *
 * <p>Forward runs the nodes in order. Backward runs them in reverse; a tensor that feeds several
 * nodes receives the sum of their gradients. A layer whose output only one other layer reads may run
 * as one pass with it when the layers say they fuse ({@link Layer#fusesForwardWith}, e.g. Conv2d →
 * ReLU; {@link Layer#fusesBackwardWith}, e.g. ReLU → pooling).
 *
 * <p>Training, evaluation and prediction live in {@code org.striate.train} ({@code Trainer},
 * {@code Evaluator}), which builds on this package and not the other way round.
 */
public class Graph {
    private final Node[] nodes;
    private final int[][] inputsOf;
    private final int[] consumers;
    /** The passes nodes share with their readers: see {@link Fusions}. */
    private final Fusions fusions;
    private final int[] forwardVia, backwardInto, backwardFrom;
    private final boolean[] skipForward, skipBackward;
    private final float[] params, grads;
    private final Tensor[] values, gradients, ownGradients;
    private final boolean[] owned;
    /**
     * For a training step: whether a node's output gradient reaches a trainable parameter (its own
     * layer's or an earlier node's). The input's never does; nor does that of frozen layers at the front.
     */
    private final boolean[] leadsToTrainable;
    private float[] mean = {0f};
    private float[] std = {1f};
    private String[] classNames = new String[0];
    private LayerClock clock;
    private String training = "";
    /** A copy for inference alone ({@link #forInference}): its parameter buffer is never written. */
    private boolean fixed;

    public static GraphBuilder builder() { return new GraphBuilder(); }

    /** Binds built nodes to new buffers, or to shared ones for a {@link #replica}. */
    Graph(List<Node> nodeList, float[] sharedParams, float[] sharedGrads) {
        this.nodes = nodeList.toArray(new Node[0]);
        int n = nodes.length;
        inputsOf = new int[n][];
        consumers = new int[n];
        for (int i = 0; i < n; i++) {
            inputsOf[i] = new int[nodes[i].inputs.length];
            for (int k = 0; k < inputsOf[i].length; k++) {
                inputsOf[i][k] = nodes[i].inputs[k].index;
                consumers[inputsOf[i][k]]++;
            }
        }
        long total = 0;
        for (Layer layer : layers()) total += layer.paramCount();
        if (total > Integer.MAX_VALUE - 8) throw new StriateException("The model has " + total + " parameters; at most 2^31 fit in one buffer.");
        if (sharedParams == null) org.striate.tensor.Memory.require(8 * total, "The model's " + total + " parameters and their gradients");
        params = sharedParams != null ? sharedParams : new float[(int) total];
        grads = sharedGrads != null ? sharedGrads : new float[(int) total];
        int offset = 0;
        for (Layer layer : layers()) {
            layer.bind(params, grads, offset);
            offset += layer.paramCount();
        }
        fusions = new Fusions(nodes, inputsOf, consumers);
        forwardVia = fusions.forwardVia;
        backwardInto = fusions.backwardInto;
        backwardFrom = fusions.backwardFrom;
        skipForward = fusions.skipForward;
        skipBackward = fusions.skipBackward;
        values = new Tensor[n];
        gradients = new Tensor[n];
        ownGradients = new Tensor[n];
        owned = new boolean[n];
        leadsToTrainable = new boolean[n];
    }

    /**
     * A second copy of the layers ({@link Layer#copy}) bound to this model's parameter buffer (not a
     * copy of it) and to the given gradient buffer: it sees every weight update at once, keeps
     * activations of its own, and accumulates into {@code gradients}. Null when a layer cannot be copied.
     */
    public Graph replica(float[] gradients) {
        Graph r = boundCopy(params, gradients);
        if (r != null && fixed) r.fix();
        return r;
    }

    /**
     * Marks this copy as made for inference: it refuses to train, a pooling after a convolution's
     * normalisation and ReLU is taken into their pass, and its residual sums are written by the passes before them.
     */
    private void fix() {
        fixed = true;
        fusions.fuseLast(nodes, inputsOf, consumers);
        fusions.fuseSums(nodes, inputsOf, consumers);
    }

    /**
     * A copy of this model for inference alone, its weights fixed: the layers copied ({@link Layer#copy})
     * over parameters of its own that nothing else can reach, with the state, normalisation and class
     * names. The kernels then lay its weights out once, and a BatchNorm is folded into the convolution
     * before it once, instead of comparing and refolding on every call (a tenth of resnet8's batch-1 pass
     * and more of resnet18's). It does not see later changes to this model: take a new copy after
     * training or loading. It refuses to train; {@link #params()} gives a copy of its weights. This model
     * itself when a layer cannot copy itself.
     */
    public Graph forInference() {
        if (fixed) return this;
        float[] own = params.clone();
        Graph c = boundCopy(own, new float[0]); // no gradients: it never back-propagates
        if (c == null) return this;
        Kernels.fixWeights(own);
        c.fix();
        return c.normalization(mean, std).classNames(classNames).training(training);
    }

    /** Whether this is a copy {@link #forInference} made. */
    public boolean isForInference() { return fixed; }

    /** The layers copied and bound to the given buffers, with their state; null when a layer cannot copy itself. */
    private Graph boundCopy(float[] parameters, float[] gradients) {
        GraphBuilder b = new GraphBuilder();
        Node[] copies = new Node[nodes.length];
        copies[0] = b.input(inputShape());
        for (int i = 1; i < nodes.length; i++) {
            Layer c = nodes[i].layer.copy();
            if (c == null) return null;
            Node[] in = new Node[inputsOf[i].length];
            for (int k = 0; k < in.length; k++) in[k] = copies[inputsOf[i][k]];
            copies[i] = b.add(c.named(nodes[i].name).trainable(nodes[i].layer.trainable()), in);
        }
        Graph r = new Graph(b.checkedNodes(), parameters, gradients);
        for (int i = 1; i < nodes.length; i++) copies[i].layer.loadState(nodes[i].layer.state());
        return r;
    }

    /** Re-initialises every parameter from {@code seed}, layer by layer in order. */
    public void initParams(long seed) {
        refuseIfFixed("re-initialise its weights");
        Random rng = new Random(seed);
        for (Layer layer : layers()) layer.initParams(rng);
    }

    /** The forward passes in order, each the names of the nodes it runs joined by '+' (e.g. "conv2d_1+relu_1+maxpool2d_1"). */
    public List<String> forwardPasses() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < nodes.length; i++) {
            if (!skipForward[i]) out.add(forwardPass(i));
        }
        return out;
    }

    /** The forward pass that node i starts (see {@link #forwardPasses}), or null when i runs inside another's. */
    public String forwardPass(int i) { return fusions.passName(nodes, i); }

    /** Receives the time each node's forward or backward took; fused nodes count as their first. */
    public interface LayerClock { void add(int node, boolean backward, long nanos); }

    /**
     * Times every node's forward and backward from now on ({@code null} stops it). For profiling: the
     * bench's per-layer breakdown of a real training step. A replica is not timed.
     */
    public void clock(LayerClock c) { clock = c; }

    /** Runs the batch through every node; {@code training} switches Dropout and BatchNorm. */
    public Tensor forward(Tensor x, boolean training) { return forward(x, 0, nodes.length - 1, training); }

    /** Runs nodes (from, to] on x, node from's output; each end the input, the output or a cut ({@link #cutsAfter}). */
    public Tensor forward(Tensor x, int from, int to, boolean training) {
        if (training) refuseIfFixed("run a training pass");
        fusions.requireRange(from, to, inputsOf);
        values[from] = x;
        for (int i = from + 1; i <= to; i++) {
            if (skipForward[i]) continue;
            long t0 = clock == null ? 0 : System.nanoTime();
            fusions.forward(nodes, inputsOf, i, values, training);
            if (clock != null) clock.add(i, false, System.nanoTime() - t0);
        }
        Tensor y = values[to];
        Arrays.fill(values, null); // the model keeps no reference to the caller's batch
        return y;
    }

    /** Whether node c (not the input or the output) ends a pass and no later node reads an earlier one: the graph can be cut after it. */
    public boolean cutsAfter(int c) { return fusions.cutsAfter(c, inputsOf); }

    private void refuseIfFixed(String what) {
        if (fixed) {
            throw new StriateException("Cannot " + what + " on a copy of the model made for inference (Graph.forInference): its weights are fixed."
                    + " Expected the model it was copied from; copy it again afterwards.");
        }
    }

    /** What to compute at one node in {@link #runNodes}: its output from its inputs' outputs. */
    public interface NodeRun { Tensor apply(Node node, Tensor[] inputs); }

    /**
     * Runs the graph node by node, with {@code run} in place of each layer's forward and no fusion,
     * and returns every node's output (index = node index; 0 is {@code x}). The lab uses it to look
     * at each layer's output, or to run layers differently (e.g. on a torus).
     */
    public Tensor[] runNodes(Tensor x, NodeRun run) {
        Tensor[] out = new Tensor[nodes.length];
        out[0] = x;
        for (int i = 1; i < nodes.length; i++) {
            Tensor[] in = new Tensor[inputsOf[i].length];
            for (int k = 0; k < in.length; k++) in[k] = out[inputsOf[i][k]];
            out[i] = run.apply(nodes[i], in);
        }
        return out;
    }

    /** Every node's output at inference, each a copy the caller may keep (index = node index). */
    public Tensor[] activations(Tensor x) {
        return runNodes(x, (node, in) -> node.layer.forward(in, false).copy());
    }

    /** Back-propagates dy through every node, accumulating into {@link #grads()}; returns dx. */
    public Tensor backward(Tensor dy) { return backward(dy, null); }

    /** Backward through the nodes with {@code need[i]} (all when null). */
    private Tensor backward(Tensor dy, boolean[] need) {
        refuseIfFixed("back-propagate");
        Arrays.fill(gradients, null);
        gradients[nodes.length - 1] = dy;
        for (int i = nodes.length - 1; i >= 1; i--) {
            if (skipBackward[i] || gradients[i] == null || need != null && !need[i]) continue;
            long t0 = clock == null ? 0 : System.nanoTime();
            Layer layer = nodes[i].layer;
            int p = backwardInto[i], t = backwardFrom[i];
            if (t >= 0) {
                receive(inputsOf[t][0], nodes[t].layer.backwardFused(nodes[forwardVia[t]].layer, layer, gradients[i]));
            } else if (p >= 0) {
                receive(inputsOf[p][0], layer.backwardFused(nodes[p].layer, gradients[i]));
            } else if (inputsOf[i].length == 1) {
                receive(inputsOf[i][0], layer.backward(gradients[i]));
            } else {
                Tensor[] d = layer.backwardInputs(gradients[i]);
                for (int k = 0; k < d.length; k++) receive(inputsOf[i][k], d[k]);
            }
            if (clock != null) clock.add(t >= 0 ? t : i, true, System.nanoTime() - t0);  // a fused triple counts as its first node
        }
        Tensor dx = gradients[0];
        Arrays.fill(gradients, null);
        return dx;
    }

    /** Adds a gradient for node k's output; a second one is summed into a buffer of the model's own. */
    private void receive(int k, Tensor g) {
        if (g == null) return;
        if (gradients[k] == null) {
            gradients[k] = g;
            owned[k] = false;
            return;
        }
        if (!owned[k]) {
            Tensor own = Layer.reuse(ownGradients[k], g.batch(), nodes[k].shape);
            ownGradients[k] = own;
            System.arraycopy(gradients[k].data, 0, own.data, 0, own.size());
            gradients[k] = own;
            owned[k] = true;
        }
        Kernels.get().accumulate(g.size(), g.data, gradients[k].data);
    }

    /**
     * Back-propagates for a training step: accumulates the gradients of trainable parameters like
     * {@link #backward}, but skips what no trainable parameter depends on: the input gradient of layers
     * that read only the model input or frozen layers, and the whole backward of frozen layers at the
     * front (fine-tuning a head costs little more than a forward pass). Frozen layers' own parameter
     * gradients may still be written when a trainable layer comes before them; the optimizer skips them.
     */
    public void backwardParameters(Tensor dy) {
        boolean[] need = leadsToTrainable;
        for (int i = 1; i < nodes.length; i++) {
            Layer layer = nodes[i].layer;
            boolean fromInputs = false;
            for (int k : inputsOf[i]) fromInputs |= need[k];
            layer.inputGradientNeeded(fromInputs);
            need[i] = fromInputs || layer.trainable() && layer.paramCount() > 0;
        }
        try {
            backward(dy, need);
        } finally {
            for (int i = 1; i < nodes.length; i++) nodes[i].layer.inputGradientNeeded(true);
        }
    }

    public void zeroGrad() { Arrays.fill(grads, 0f); }

    /**
     * The parts of the parameter buffer that training may change: [from, to) pairs, ascending, adjacent
     * trainable layers joined; the parameters of {@link Layer#trainable(boolean) frozen} layers are left out.
     */
    public int[] trainableRanges() {
        int[] r = new int[2 * nodes.length];
        int k = 0;
        for (Layer layer : layers()) {
            int from = layer.paramOffset(), to = from + layer.paramCount();
            if (!layer.trainable() || from == to) continue;
            if (k > 0 && r[k - 1] == from) r[k - 1] = to;
            else { r[k++] = from; r[k++] = to; }
        }
        return Arrays.copyOf(r, k);
    }

    /** The names of the {@link Layer#trainable(boolean) frozen} layers, in graph order; empty when none is. */
    public List<String> frozenLayerNames() {
        List<String> names = new ArrayList<>();
        for (Layer layer : layers()) if (!layer.trainable()) names.add(layer.name());
        return names;
    }

    /** Every node, the input first, each after all of its inputs. */
    public List<Node> nodes() { return List.of(nodes); }

    /** The layers in graph order (every node but the input). */
    public List<Layer> layers() {
        List<Layer> l = new ArrayList<>(nodes.length - 1);
        for (int i = 1; i < nodes.length; i++) l.add(nodes[i].layer);
        return Collections.unmodifiableList(l);
    }

    public Layer layer(int i) { return nodes[i + 1].layer; }
    /** The node of layer i (node i + 1: node 0 is the input). */
    public Node nodeOf(int layerIndex) { return nodes[layerIndex + 1]; }
    /** The parameter buffer, layer after layer; for a copy {@link #forInference for inference}, a copy of it. */
    public float[] params() { return fixed ? params.clone() : params; }
    public float[] grads() { return grads; }
    public int paramCount() { return params.length; }

    /** Multiply-adds per sample in a forward pass: the sum of the layers' {@link Layer#macs}. */
    public long macs() {
        long total = 0;
        for (Layer layer : layers()) total += layer.macs();
        return total;
    }

    public int[] inputShape() { return nodes[0].shape.clone(); }
    public int[] outputShape() { return nodes[nodes.length - 1].shape.clone(); }

    /** True when every node reads the one before it: a plain stack. */
    public boolean isChain() {
        for (int i = 1; i < nodes.length; i++) if (inputsOf[i].length != 1 || inputsOf[i][0] != i - 1) return false;
        return true;
    }

    /** Input normalisation x' = (x − mean[c]) / std[c], per channel (one value applies to all channels). */
    public Graph normalization(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new StriateException("Invalid normalisation. Expected mean and std of the same non-zero length. Received "
                    + mean.length + " and " + std.length + ".");
        }
        for (float s : std) if (!(s > 0) || !Float.isFinite(s)) throw new StriateException("Invalid normalisation std " + s + ". Expected finite values > 0.");
        for (float m : mean) if (!Float.isFinite(m)) throw new StriateException("Invalid normalisation mean " + m + ". Expected finite values.");
        this.mean = mean.clone();
        this.std = std.clone();
        return this;
    }

    public float[] mean() { return mean.clone(); }
    public float[] std() { return std.clone(); }

    public Graph classNames(String... names) { this.classNames = names.clone(); return this; }
    public String[] classNames() { return classNames.clone(); }

    /**
     * How the model was trained, one "key: value" line each (model, data, epochs, optimizer, ...), as
     * the train command records it; empty when unknown. The model file keeps it, so a report on the file
     * can say how its figures came about.
     */
    public Graph training(String text) { this.training = text == null ? "" : text; return this; }
    public String training() { return training; }

    /** The architecture in the spec format (see {@link LayerSpecs}): an "input CxHxW" line, then one node per line. */
    public String spec() { return LayerSpecs.write(this); }

    /**
     * The same layers, weights, state and normalisation for input of another shape: fully convolutional
     * models (segmentation, upscaling) run on images of any size this way ({@link LayerSpecs#resized}).
     */
    public Graph resized(int[] input) { return LayerSpecs.resized(this, input); }

    @Override
    public String toString() { return "Graph" + Shapes.str(inputShape()) + " -> " + Shapes.str(outputShape()) + ", " + (nodes.length - 1) + " layers"; }
}
