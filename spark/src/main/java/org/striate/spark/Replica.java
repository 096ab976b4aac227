package org.striate.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.striate.train.DataParallel;
import org.striate.nn.Dropout;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.BatchLoader;
import org.striate.train.Optimizer;
import org.striate.train.SoftmaxCrossEntropy;

/**
 * One worker's copy of the model during an epoch of synchronous data-parallel training, without
 * Spark: the barrier task runs one, and a single process can run k of them to reproduce a
 * distributed run.
 *
 * <p>Global batch {@code s} is made of every rank's slice {@code s}: rank r takes {@code slice}
 * samples of its own shard, in the order its generator (seeded from the run's seed and r) gives
 * that epoch. The slice's loss gradient is scaled by n_r / N (its share of the global batch), so the
 * sum of the k slice gradients is the gradient of the mean loss over the global batch. The sums are
 * taken in rank order, and every replica applies the same optimizer step to the same sum.
 *
 * <p>Layer state (BatchNorm's running statistics) is reduced too: the mean of the replicas' states
 * weighted by slice size. BatchNorm still normalises each slice with the slice's own statistics.
 * Frozen layers ({@code Layer.trainable(false)}) take no optimizer step and send no state: a frozen
 * BatchNorm's statistics are the same on every replica and a weighted mean could round them.
 */
final class Replica {
    /** Bytes before the gradients in a message: slice size, correct predictions, loss sum. */
    static final int HEADER = 4 + 4 + 8;

    final Graph model;
    private final DataParallel parallel;
    private final Optimizer optimizer;
    /** The parameter ranges of trainable layers, as {@code TrainingStep} steps them. */
    private final int[] trainable;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final BatchLoader loader;
    private final int rank, k, total, slice, outputs;
    private final List<Layer> stateful = new ArrayList<>();
    private final int stateLength;
    private ByteBuffer message;
    private int n, correct, globalN, globalCorrect;
    private double lossSum, globalLossSum;

    /**
     * @param shard this rank's samples
     * @param total samples over all shards
     * @param slice samples per rank per global batch
     * @param epoch the epoch about to run, from 0: the generator is replayed up to it
     */
    Replica(Graph model, Optimizer optimizer, Shard shard, int k, int total, int slice, long seed, int epoch) {
        this.model = model;
        this.parallel = new DataParallel(model);
        this.optimizer = optimizer;
        this.trainable = model.trainableRanges();
        this.rank = shard.rank();
        this.k = k;
        this.total = total;
        this.slice = slice;
        this.outputs = Shapes.size(model.outputShape());
        BatchLoader.checkShape(model.inputShape(), shard.dataset().images());
        loss.checkClasses(outputs, shard.classNames().length);
        this.loader = new BatchLoader(shard.dataset().images(), shard.labels(), slice, model.mean(), model.std());
        Random rng = new Random(rankSeed(seed, rank));
        for (int e = 0; e <= epoch; e++) loader.shuffle(rng);
        int length = 0;
        for (Layer layer : model.layers()) {
            if (layer instanceof Dropout) layer.initParams(new Random(rankSeed(seed, rank) ^ (epoch + 1) * 0xD1B54A32D192ED03L));
            int s = layer.trainable() ? layer.state().length : 0;
            if (s > 0) stateful.add(layer);
            length += s;
        }
        this.stateLength = length;
    }

    /** Rank 0 draws from {@code new Random(seed)}, as single-process training does; the others from seeds of their own. */
    static long rankSeed(long seed, int rank) { return seed + rank * 0x9E3779B97F4A7C15L; }

    /** Global batches per epoch: rank 0 holds the largest shard. */
    static int steps(int total, int k, int slice) { return (Shard.size(total, k, 0) + slice - 1) / slice; }

    /** Samples rank {@code r} contributes to global batch {@code step}. */
    static int sliceSize(int total, int k, int slice, int r, int step) {
        return Math.max(0, Math.min(slice, Shard.size(total, k, r) - step * slice));
    }

    /** Computes this rank's gradient for global batch {@code step} into the model's gradient buffer. */
    void computeSlice(int step) {
        model.zeroGrad();
        n = sliceSize(total, k, slice, rank, step);
        correct = 0;
        lossSum = 0;
        if (n == 0) return;
        int global = 0;
        for (int r = 0; r < k; r++) global += sliceSize(total, k, slice, r, step);
        Tensor x = loader.load(step);
        int[] labels = loader.labels();
        Tensor out = parallel.forward(x, true);
        lossSum = loss.forward(out, labels) * n;
        for (int i = 0; i < n; i++) if (loss.predictedClass(out.data, i * outputs, outputs) == labels[i]) correct++;
        Tensor dy = loss.backward();
        if (n != global) {
            float share = (float) ((double) n / global);
            for (int i = 0; i < n * outputs; i++) dy.data[i] *= share;
        }
        parallel.backwardParameters(dy);
    }

    /** This rank's slice size, correct count, loss sum, gradient and layer state, for an all-gather. */
    byte[] message() {
        float[] g = model.grads();
        // one buffer for the whole epoch: the exchange has sent it before the next step writes it again,
        // and a fresh 4P-byte array every step would keep the collector busy on the cores the steps need
        if (message == null) message = ByteBuffer.allocate(HEADER + 4 * (g.length + stateLength)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = message.clear();
        b.putInt(n).putInt(correct).putDouble(lossSum);
        b.asFloatBuffer().put(g);
        int at = HEADER + 4 * g.length;
        for (Layer layer : stateful) {
            float[] s = layer.state();
            b.position(at);
            b.asFloatBuffer().put(s);
            at += 4 * s.length;
        }
        return b.array();
    }

    /**
     * Sums the k gradients into the model's gradient buffer in rank order (the first copied, the
     * others added) and loads the slice-weighted mean of the layer states; {@code messages[r]} is rank r's.
     */
    void reduce(byte[][] messages) {
        float[] g = model.grads();
        ByteBuffer[] parts = new ByteBuffer[k];
        globalN = 0;
        globalCorrect = 0;
        globalLossSum = 0;
        for (int r = 0; r < k; r++) {
            parts[r] = ByteBuffer.wrap(messages[r]).order(ByteOrder.LITTLE_ENDIAN);
            globalN += parts[r].getInt(0);
            globalCorrect += parts[r].getInt(4);
            globalLossSum += parts[r].getDouble(8);
        }
        for (int r = 0; r < k; r++) {
            FloatBuffer f = parts[r].position(HEADER).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            if (r == 0) {
                f.get(0, g);
            } else {
                for (int i = 0; i < g.length; i++) g[i] += f.get(i);
            }
        }
        if (stateLength == 0) return;
        float[] state = new float[stateLength];
        for (int r = 0; r < k; r++) {
            FloatBuffer f = parts[r].position(HEADER + 4 * g.length).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float w = (float) ((double) parts[r].getInt(0) / globalN);
            for (int i = 0; i < stateLength; i++) state[i] = r == 0 ? w * f.get(i) : state[i] + w * f.get(i);
        }
        int at = 0;
        for (Layer layer : stateful) {
            int s = layer.state().length;
            float[] part = new float[s];
            System.arraycopy(state, at, part, 0, s);
            layer.loadState(part);
            at += s;
        }
    }

    /** The optimizer's step on the summed gradient, over the trainable layers' parameters only. */
    void step() { optimizer.step(model.params(), model.grads(), optimizer.learningRate(), trainable); }

    Optimizer optimizer() { return optimizer; }
    int globalSamples() { return globalN; }
    int globalCorrect() { return globalCorrect; }
    double globalLossSum() { return globalLossSum; }

    /** SHA-256 of the weights and the layer state: equal on every replica after each step. */
    String hash() { return hash(model); }

    static String hash(Graph model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(4 * model.params().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(model.params());
            sha.update(b.array());
            for (Layer layer : model.layers()) {
                float[] s = layer.state();
                ByteBuffer sb = ByteBuffer.allocate(4 * s.length).order(ByteOrder.LITTLE_ENDIAN);
                sb.asFloatBuffer().put(s);
                sha.update(sb.array());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
