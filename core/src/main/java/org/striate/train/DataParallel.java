package org.striate.train;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.striate.kernels.Kernels;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.Node;
import org.striate.kernels.Parallel;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Splits each batch over the kernels' threads and runs a whole forward and backward pass per thread,
 * instead of splitting every kernel call. Small layers such as LeNet's cannot keep two cores busy one
 * call at a time (a training step is hundreds of calls, each a hand-off and a wait); whole passes on
 * separate samples need one hand-off per direction.
 *
 * <p>Thread {@code t} runs its own {@link Graph#replica replica} of the layers (reading the
 * model's one parameter buffer; thread 0's is the model itself) on a fixed contiguous slice of the
 * batch, accumulating into a gradient buffer of its own; these are added to the model's in thread
 * order. So results are bit-identical run to run for a given thread count. Kernel calls inside a
 * pass find the pool busy and run in the calling thread.
 *
 * <p>A forward pass without training cuts a large batch into equal pieces instead ({@link #pieceSize}),
 * each taken by whichever thread asks next, so a thread slowed by other work or by a slower core does
 * not hold up the whole batch. A sample's output depends only on its piece (which samples run together),
 * never on the thread that runs it: outputs stay bit-identical run to run. A model with a large
 * layer that uses each weight only a few times a sample (a wide dense layer) runs its pieces up to a
 * cut before that layer, and the rest once on the whole batch ({@link #pieceCut}).
 *
 * <p>Models with a layer whose samples are not independent (BatchNorm2d's batch statistics,
 * Dropout's masks) or a layer that cannot copy itself ({@link Layer#copy()}) run unsplit, with the
 * kernels splitting each call. A copy made for inference asks its layers how they run there
 * ({@link Layer#samplesIndependentAtInference}), where neither of those mixes samples.
 */
public final class DataParallel {
    private final Graph model;
    private final Parallel pool;
    private final Graph[] replicas;
    private final Tensor[] inputs, outputGradients;
    private Tensor output;
    private int batch;
    private final long macsPerSample;

    /** Uses the pool of the kernels in use; one thread when they have none. */
    public DataParallel(Graph model) { this(model, Kernels.get().pool()); }

    public DataParallel(Graph model, Parallel pool) {
        this.model = model;
        int threads = pool != null && splittable(model) ? pool.threads() : 1;
        Graph[] r = new Graph[threads];
        r[0] = model;
        for (int t = 1; t < threads; t++) {
            r[t] = model.replica(new float[model.grads().length]);
            if (r[t] == null) { // a layer cannot copy itself: one replica, and the kernels split each call
                r = new Graph[] {model};
                break;
            }
        }
        this.replicas = r;
        this.pool = replicas.length > 1 ? pool : null;
        this.inputs = new Tensor[threads];
        this.outputGradients = new Tensor[threads];
        this.sample = model.inputShape();
        this.out = model.outputShape();
        this.macsPerSample = model.macs();
        this.last = model.nodes().size() - 1;
        this.cut = pieceCut(model);
        this.middleShape = model.nodes().get(cut).shape();
    }

    /**
     * Parameters from which a layer that uses each of them fewer than {@link #HEAVY_USES} times a sample
     * (a dense layer uses each once) ends a forward pass in pieces before it ({@link #pieceCut}).
     */
    static final int HEAVY_PARAMS = 1 << 18;
    static final int HEAVY_USES = 4;

    /**
     * The node after which a forward pass in pieces stops, the rest of the model then running once on
     * the whole batch (its kernels splitting each call): the last cut ({@link Graph#cutsAfter}) before the
     * first layer whose weights are large and little used ({@link #HEAVY_PARAMS}); the output node when
     * there is none. Each piece would read that layer's weights again for few rows: fashion-cnn's
     * 3136 → 128 dense layer, 1.6 MB, took 1.2–1.7 ms of a thread's 128 samples in pieces of 16,
     * where one call of 128 rows takes 0.9–1.0 ms.
     */
    static int pieceCut(Graph model) {
        List<Node> nodes = model.nodes();
        for (int j = 1; j < nodes.size(); j++) {
            Layer layer = nodes.get(j).layer();
            if (layer.paramCount() < HEAVY_PARAMS || layer.macs() >= (long) HEAVY_USES * layer.paramCount()) continue;
            for (int c = j - 1; c > 0; c--) if (model.cutsAfter(c)) return c;
            break;
        }
        return nodes.size() - 1;
    }

    /**
     * Whether a batch can be cut into pieces without changing what each sample computes: for a copy made
     * for inference (whose layers' state never changes, so replicas made now stay right), as its layers
     * run at inference. resnet18's inference at batch 16, two threads, calls taking turns in one JVM,
     * medians of 30: each call split over the threads 154–166 ms, a replica per thread 140–157 (four JVMs
     * of five; 177 against 175 in the fifth); resnet8's at batch 256 went either way (58–66 against 56–67 ms).
     */
    static boolean splittable(Graph model) {
        boolean inference = model.isForInference();
        for (Layer layer : model.layers()) {
            if (!(inference ? layer.samplesIndependentAtInference() : layer.samplesIndependent())) return false;
        }
        return true;
    }

    /** Threads the batch is split over (1 when it is not split). */
    public int threads() { return replicas.length; }

    /** Like {@link Graph#forward}; the result is a buffer reused by the next call. */
    public Tensor forward(Tensor x, boolean training) {
        if (pool == null) return model.forward(x, training);
        batch = x.batch();
        output = Tensor.reuse(output, batch, out);
        this.x = x;
        this.training = training;
        this.backward = false;
        piece = training ? 0 : pieceSize(batch, replicas.length, macsPerSample);
        if (stopsAtCut()) middle = Tensor.reuse(middle, batch, middleShape);
        try {
            if (piece == 0) {
                pool.run(replicas.length, slices);
            } else {
                nextPiece.set(0);
                pool.run(replicas.length, pieces);
            }
        } finally {
            this.x = null;
        }
        return stopsAtCut() ? model.forward(middle, cut, last, false) : output;
    }

    /** Whether this call's pieces stop at the cut ({@link #pieceCut}), the rest then running on the whole batch. */
    private boolean stopsAtCut() { return piece > 0 && cut < last; }

    /**
     * Pieces a thread should have about, so a slower thread leaves the others at most a piece to wait
     * for, and a piece's activations stay near the core's L2: resnet8's largest layer output is 100 KB a
     * sample, 1.6 MB for a piece of 16 and 0.8 MB for one of 8. Batch 256, two threads, Zen 5 (1 MB of L2 a
     * core), fresh JVMs taking turns: pieces of 8 against 16 faster in 6 pairs of 6 (4,605 / 4,490,
     * 3,966 / 3,842, 4,903 / 4,489, 4,545 / 4,263, 3,655 / 3,383 and 3,943 / 3,635 img/s); pieces of 4
     * slower than 16 in 3 pairs of 3, pieces of 32 in 2 of 3. On a Zen 4 (also 1 MB of L2) the two were alike:
     * 3,139, 3,064, 2,965 against 3,050, 3,004, 3,165 img/s (2026-12-07).
     */
    static final int PIECES_PER_THREAD = 16;
    /**
     * Samples a piece holds at least: kernels take small maps several samples together (resnet18's 7 × 7
     * layers up to 8), and fewer would read their weights once per sample.
     */
    static final int PIECE_SAMPLES = 8;
    /**
     * Multiply-adds a piece holds at least, so each forward's fixed costs stay small beside its work.
     * Batch 256, two threads: lenet5 (0.42 M a sample) in pieces of 16 ran at 178,000 against 217,000
     * img/s in halves, so it keeps them; fashion-cnn (4.2 M) in pieces of 16 lost 2–3% in a quiet
     * stretch and gained 8–17% while one core ran slower, resnet8 (37 M) gained 3–33% (BENCHMARKS.md).
     */
    static final long PIECE_MACS = 64_000_000L;

    /**
     * The samples of each piece a forward pass without training cuts a batch into, or 0 for one fixed
     * slice a thread: at least {@link #PIECE_SAMPLES} samples and {@link #PIECE_MACS} multiply-adds,
     * about {@link #PIECES_PER_THREAD} a thread, the smallest such size that divides the batch into
     * equal pieces (a replica that always sees one size allocates nothing), and more pieces than threads.
     */
    static int pieceSize(int batch, int threads, long macsPerSample) {
        long macs = Math.max(1, macsPerSample), byWork = (PIECE_MACS + macs - 1) / macs;
        long perThread = (long) threads * PIECES_PER_THREAD;
        long least = Math.max(Math.max(PIECE_SAMPLES, byWork), (batch + perThread - 1) / perThread);
        for (long size = least; size * threads < batch; size++) {
            if (batch % size == 0) return (int) size;
        }
        return 0;
    }

    /** Pieces of {@link #piece} samples, the next not yet taken to whichever thread asks; thread t runs them on its replica. */
    private void pieces(int part, int from, int to) {
        for (int t = from; t < to; t++) {
            for (int p = nextPiece.getAndIncrement(); p * piece < batch; p = nextPiece.getAndIncrement()) {
                forwardSlice(t, p * piece, (p + 1) * piece);
            }
        }
    }

    /**
     * Like {@link Graph#backwardParameters} for the batch of the last forward: accumulates
     * every sample's parameter gradient into the model's gradient buffer.
     */
    public void backwardParameters(Tensor dy) {
        if (pool == null) {
            model.backwardParameters(dy);
            return;
        }
        this.dy = dy;
        this.backward = true;
        try {
            pool.run(replicas.length, slices);
        } finally {
            this.dy = null;
        }
        // each thread sums one range of the buffer over the replicas, always in replica order
        pool.run(model.grads().length, sum);
    }

    // the arguments of the running call: the pool's jobs below read them (fields, not captured in
    // lambdas, so that a step allocates nothing)
    private Tensor x, dy;
    private boolean training, backward;
    private final int[] sample, out;
    private final Parallel.RangeTask slices = this::slices, sum = this::sum, pieces = this::pieces;
    private final AtomicInteger nextPiece = new AtomicInteger();
    private int piece;
    /** The output node, the node pieces stop after ({@link #pieceCut}), and the whole batch's outputs of that node. */
    private final int last, cut;
    private final int[] middleShape;
    private Tensor middle;

    private int sliceStart(int t) { return Parallel.split(batch, replicas.length, t); }

    /** Every thread's slice of the batch, forward or backward; empty slices are skipped. */
    private void slices(int part, int from, int to) {
        for (int t = from; t < to; t++) {
            int lo = sliceStart(t), hi = sliceStart(t + 1);
            if (lo == hi) continue;
            if (backward) backwardSlice(t, lo, hi);
            else forwardSlice(t, lo, hi);
        }
    }

    private void forwardSlice(int t, int lo, int hi) {
        boolean cutShort = stopsAtCut();
        int inSize = Shapes.size(sample), outSize = Shapes.size(cutShort ? middleShape : out);
        inputs[t] = Tensor.reuse(inputs[t], hi - lo, sample);
        System.arraycopy(x.data, lo * inSize, inputs[t].data, 0, (hi - lo) * inSize);
        Tensor y = cutShort ? replicas[t].forward(inputs[t], 0, cut, false) : replicas[t].forward(inputs[t], training);
        System.arraycopy(y.data, 0, (cutShort ? middle : output).data, lo * outSize, (hi - lo) * outSize);
    }

    private void backwardSlice(int t, int lo, int hi) {
        int outSize = Shapes.size(out);
        if (t > 0) replicas[t].zeroGrad();
        outputGradients[t] = Tensor.reuse(outputGradients[t], hi - lo, out);
        System.arraycopy(dy.data, lo * outSize, outputGradients[t].data, 0, (hi - lo) * outSize);
        replicas[t].backwardParameters(outputGradients[t]);
    }

    private void sum(int part, int from, int to) {
        float[] total = model.grads();
        for (int t = 1; t < replicas.length; t++) {
            if (sliceStart(t) == sliceStart(t + 1)) continue;
            float[] g = replicas[t].grads();
            for (int i = from; i < to; i++) total[i] += g[i];
        }
    }
}
