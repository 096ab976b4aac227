package org.striate.kernels;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import jdk.incubator.vector.VectorSpecies;

/**
 * One convolution call's arguments, held by the thread that makes the call and reused by its next
 * one, so that splitting a convolution over samples allocates nothing (see {@link SplitJobs}). As a
 * {@link SimdConv.SampleTask} it computes one sample of a pass; as a {@link Parallel.RangeTask} it
 * accumulates the weight gradient of a part's samples into that part's accumulator.
 */
final class ConvCall implements SimdConv.SampleTask, Parallel.RangeTask {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final ThreadLocal<ConvCall> MINE = ThreadLocal.withInitial(ConvCall::new);

    /** What a sample task computes. */
    enum Pass { FORWARD_SHIFTED, FORWARD_IM2COL, FORWARD_CHANNEL_LANES, FORWARD_GATHERED_GEMM, FORWARD_WIDE_ROWS, FORWARD_CHANNELS_LAST, INPUT_SHIFTED, INPUT_IM2COL, INPUT_ROW_LANES, INPUT_CHANNELS_LAST }

    private Pass pass;
    private ConvGeometry g;
    private float[] src, weights, bias, dst, dy, pooledY, res;
    private int[] arg;
    private float[][] partials;
    private int per, bOff, batch, group;
    private boolean relu, channelLanes, maxPool;
    private final Map<ConvGeometry, ConvGeometry> fulls = new IdentityHashMap<>();
    private final Map<ConvGeometry, PoolGeometry> halves = new IdentityHashMap<>();

    static ConvCall mine() { return MINE.get(); }

    /**
     * Runs {@code pass} over the batch (samples to whichever thread is free, see
     * {@link SimdConv#forSamples}): src and dst are the pass's input and output, weights packed (per
     * floats a group) or transposed as the pass reads them.
     */
    void run(Pass pass, Parallel pool, ConvGeometry g, int batch, float[] src, float[] weights, int per,
             float[] bias, int bOff, boolean relu, float[] dst) {
        run(pass, pool, g, batch, src, weights, per, bias, bOff, relu, false, dst);
    }

    /** A forward pass of {@link Pass#FORWARD_GATHERED_GEMM} with {@code res}: y = conv + bias + res, then the ReLU. */
    void run(Pass pass, Parallel pool, ConvGeometry g, int batch, float[] src, float[] weights, int per,
             float[] bias, int bOff, boolean relu, float[] res, float[] dst) {
        this.res = res;
        run(pass, pool, g, batch, src, weights, per, bias, bOff, relu, false, dst);
    }

    /**
     * With {@code maxPool} (a forward pass, inference), each sample's output goes to the thread's
     * scratch and dst receives its 2×2, stride-2 max pool: the full-size output is read back while it
     * is still in cache, and never written for the whole batch.
     */
    void run(Pass pass, Parallel pool, ConvGeometry g, int batch, float[] src, float[] weights, int per,
             float[] bias, int bOff, boolean relu, boolean maxPool, float[] dst) {
        this.pass = pass;
        this.maxPool = maxPool;
        this.g = g;
        this.src = src;
        this.weights = weights;
        this.per = per;
        this.bias = bias;
        this.bOff = bOff;
        this.relu = relu;
        this.dst = dst;
        this.batch = batch;
        // the channel-lane pass takes small maps a few samples at a time (ChannelLaneConv.group)
        group = pass == Pass.FORWARD_CHANNEL_LANES ? ChannelLaneConv.group(g)
                : pass == Pass.FORWARD_GATHERED_GEMM ? GatheredGemmConv.group(g, batch, pool == null ? 1 : pool.threads()) : 1;
        try {
            // a pooled first layer with fewer samples than threads (batch 1): its rows over the threads
            if (maxPool && pass == Pass.FORWARD_SHIFTED && batch < pool.threads() && SimdPooledConv.applies(g)) {
                SimdPooledConv.byRows(pool, g, batch, src, weights, bias, bOff, relu, dst);
                return;
            }
            SimdConv.forSamples(pool, (batch + group - 1) / group, g.macs() * group, this);
        } finally {
            clear();
        }
    }

    /** Task n: sample n, or for the channel-lane pass the group of samples from n·group. */
    @Override
    public void run(int n, Parallel inner) {
        int pooledSize = g.outC() * (g.outH() / 2) * (g.outW() / 2);
        if (pass == Pass.FORWARD_GATHERED_GEMM) {
            int n0 = n * group;
            GatheredGemmConv.samples(g, n0, Math.min(group, batch - n0), src, weights, bias, bOff, relu, res, dst);
            return;
        }
        if (pass == Pass.FORWARD_CHANNEL_LANES) {
            int n0 = n * group, step = maxPool ? pooledSize : g.outSize();
            ChannelLaneConv.samples(g, n0, Math.min(group, batch - n0), src, weights, bias, bOff, dst, n0 * step, step, relu, maxPool, inner);
            return;
        }
        if (!maxPool) {
            sample(n, dst, n * g.outSize(), inner);
            return;
        }
        int pooledOff = n * pooledSize;
        if (pass == Pass.FORWARD_SHIFTED && inner == null && SimdPooledConv.applies(g)) {
            SimdPooledConv.sample(g, n, src, weights, bias, bOff, relu, dst, pooledOff);
            return;
        }
        if (pass == Pass.FORWARD_SHIFTED) {
            SimdConv.shifted(g.groups(), g.inPerGroup(), g.outPerGroup(), g.inH(), g.inW(), g.kH(), g.kW(), g.padH(), g.padW(),
                    g.dilH(), g.dilW(), src, n * g.inSize(), weights, per, bias, bOff, relu, true, dst, pooledOff, inner);
            return;
        }
        Scratch s = Scratch.get();
        float[] full = s.sampleOut(g.outSize() + 2 * L);
        sample(n, full, 0, inner);
        int pw = g.outW() / 2;
        SimdPool.max2x2(full, 0, g.outC(), g.outH(), g.outW(), g.outW(), g.outH() * g.outW(), null, 0, false, dst, pooledOff,
                s.poolEdge(SimdPool.rowBuffer(pw)));
    }

    private void sample(int n, float[] out, int outOff, Parallel inner) {
        switch (pass) {
            case FORWARD_SHIFTED -> SimdConv.shifted(g.groups(), g.inPerGroup(), g.outPerGroup(), g.inH(), g.inW(), g.kH(), g.kW(),
                    g.padH(), g.padW(), g.dilH(), g.dilW(), src, n * g.inSize(), weights, per, bias, bOff, relu, false, out, outOff, inner);
            case FORWARD_IM2COL -> {
                Im2colConv.forwardSample(g, n, src, weights, per, bias, bOff, out, outOff, inner);
                if (relu) SimdElementwise.relu(out, out, outOff, outOff + g.outSize());
            }
            case FORWARD_WIDE_ROWS -> WideRowConv.sample(g, n, src, weights, bias, bOff, relu, out, outOff);
            case FORWARD_CHANNELS_LAST -> ChannelsLastConv.sample(g, n, src, weights, bias, bOff, relu, out, outOff, inner);
            case FORWARD_CHANNEL_LANES, FORWARD_GATHERED_GEMM -> throw new IllegalStateException(pass + " runs samples in groups (run)");
            case INPUT_SHIFTED -> SimdConv.shifted(g.groups(), g.outPerGroup(), g.inPerGroup(), g.outH(), g.outW(), g.kH(), g.kW(),
                    g.dilH() * (g.kH() - 1) - g.padH(), g.dilW() * (g.kW() - 1) - g.padW(), g.dilH(), g.dilW(),
                    src, n * g.outSize(), weights, per, null, 0, false, false, out, n * g.inSize(), inner);
            case INPUT_IM2COL -> Im2colConv.inputSample(g, n, src, weights, per, out, inner);
            // g is the convolution of dy padded to full here (SimdConv.backwardInput), so out is dx
            case INPUT_ROW_LANES -> RowLaneConv.sample(g, n, src, weights, out, outOff);
            case INPUT_CHANNELS_LAST -> ChannelsLastInputGrad.sample(g, n, src, weights, out);
        }
    }

    /**
     * Each part of the batch accumulates its samples' weight (then bias) gradient into
     * {@code partials[part]}, zeroed first; the caller adds the parts in part order.
     */
    void params(Parallel pool, ConvGeometry g, int batch, float[] x, float[] dy, float[][] partials, boolean channelLanes) {
        this.g = g;
        this.src = x;
        this.dy = dy;
        this.partials = partials;
        this.channelLanes = channelLanes;
        try {
            pool.run(batch, this);
        } finally {
            clear();
        }
    }

    void params(Parallel pool, ConvGeometry g, int batch, float[] x, float[] dy, float[][] partials) {
        params(pool, g, batch, x, dy, partials, false);
    }

    /** {@link #params} from the gradient of a ReLU and 2×2 max pool after the convolution (see {@link SimdConv#paramsSample}). */
    void paramsMaxPooled(Parallel pool, ConvGeometry g, int batch, float[] x, float[] dy, float[] pooledY, int[] arg, float[][] partials) {
        this.pooledY = pooledY;
        this.arg = arg;
        params(pool, g, batch, x, dy, partials, false);
    }

    @Override
    public void run(int part, int from, int to) {
        float[] sum = partials[part];
        if (channelLanes) {
            int k = g.inC() * g.kH() * g.kW(), tapsPadded = SimdGemm.roundUp(k, ChannelLaneTiles.POSITIONS);
            Arrays.fill(sum, 0, tapsPadded * g.outC() + g.outC(), 0f);
            for (int n = from; n < to; n++) ChannelLaneWeightGrad.sample(g, n, src, dy, sum, tapsPadded * g.outC());
            return;
        }
        int ws = g.weightSize();
        Arrays.fill(sum, 0, ws + g.outC(), 0f);
        if (arg != null && PooledWeightGrad.applies(g)) {
            PooledWeightGrad.samples(g, from, to, src, dy, pooledY, arg, sum);
            return;
        }
        boolean unit = SimdConv.unitStride(g), dots = unit && SimdConv.useDots(g);
        float[] lanes = null;
        if (dots) {
            lanes = Scratch.get().lanes(ws * L);
            Arrays.fill(lanes, 0, ws * L, 0f);
        }
        for (int n = from; n < to; n++) {
            if (unit) SimdConv.paramsSample(g, n, src, dy, pooledY, arg, sum, lanes);
            else Im2colConv.paramsSample(g, n, src, dy, sum);
        }
        if (dots) SimdDot.foldLanes(lanes, ws, sum, 0);
    }

    /**
     * The geometry of the input gradient of {@code g} as a convolution of dy padded to full, made once
     * per layer's geometry (looked up by identity; a layer keeps its geometry) and kept for its next call.
     */
    ConvGeometry full(ConvGeometry g) {
        ConvGeometry f = fulls.get(g);
        if (f == null) {
            if (fulls.size() >= 256) fulls.clear();  // geometries of models long gone
            f = new ConvGeometry(g.outC(), g.outH(), g.outW(), g.inC(), g.kH(), g.kW(), 1, 1,
                    g.dilH() * (g.kH() - 1) - g.padH(), g.dilW() * (g.kW() - 1) - g.padW(), g.dilH(), g.dilW(), g.groups());
            fulls.put(g, f);
        }
        return f;
    }

    /** The 2×2, stride-2 max pool over {@code g}'s output, made once per layer's geometry like {@link #full}. */
    PoolGeometry halved(ConvGeometry g) {
        PoolGeometry p = halves.get(g);
        if (p == null) {
            if (halves.size() >= 256) halves.clear();
            p = new PoolGeometry(PoolGeometry.Kind.MAX, g.outC(), g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, false);
            halves.put(g, p);
        }
        return p;
    }

    private void clear() {
        src = weights = bias = dst = dy = pooledY = res = null;
        arg = null;
        partials = null;
        g = null;
    }
}
