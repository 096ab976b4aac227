package org.striate.kernels;

/**
 * Per-thread work buffers (packed GEMM panels, im2col columns), grown once to the largest size asked
 * for and then reused, so a training step allocates nothing in the steady state.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> MINE = ThreadLocal.withInitial(Scratch::new);

    private float[] packA = new float[0];
    private float[] packB = new float[0];
    private float[] col = new float[0];
    private float[] tile = new float[0];
    private float[] packW = new float[0];
    private float[] padded = new float[0];
    private final int[] paddedLayout = {-1, 0, 0, 0, 0, 0};
    private float[] ext = new float[0];
    private int[] rows = new int[0];
    private float[] flipped = new float[0];
    private float[] lanes = new float[0];
    private int[] convRows = new int[0];
    private int[] chunkStarts = new int[0];
    private float[][] partials = new float[0][];
    private float[] poolEdge = new float[0];
    private int[] poolIndices = new int[0];
    private float[] unpooled = new float[0];
    private float[] sampleOut = new float[0];
    private float[] poolRow = new float[0];
    private float[] localPadded = new float[0];
    private float[] localFilters = new float[0];
    private float[] localZeros = new float[0];
    private float[] localRows = new float[0];
    private float[] winogradIn = new float[0];
    private float[] winogradProducts = new float[0];
    private float[] winogradSplit = new float[0];
    private float[] halves = new float[0];
    private float[] channelsLast = new float[0];
    private float[] winogradPatches = new float[0];
    private float[] winogradGradients = new float[0];
    private float[] winogradOut = new float[0];
    private float[] winogradStage = new float[0];
    private final SimdElementwise.Job elementwiseJob = new SimdElementwise.Job();
    private final SimdUpdates.Job updateJob = new SimdUpdates.Job();

    static Scratch get() { return MINE.get(); }

    float[] packA(int n) { if (packA.length < n) packA = new float[n]; return packA; }
    float[] packB(int n) { if (packB.length < n) packB = new float[n]; return packB; }
    float[] col(int n) { if (col.length < n) col = new float[n]; return col; }
    float[] tile(int n) { if (tile.length < n) tile = new float[n]; return tile; }
    /** Row starts of a strided B, filled by each GEMM call. */
    int[] rows(int n) { if (rows.length < n) rows = new int[n]; return rows; }
    /** Row starts of a convolution's shifted views, kept for a whole call. */
    int[] convRows(int n) { if (convRows.length < n) convRows = new int[n]; return convRows; }
    /** Receptive-field starts of one chunk of a channel-lane pass's tiles. */
    int[] chunkStarts(int n) { if (chunkStarts.length < n) chunkStarts = new int[n]; return chunkStarts; }
    /** Per-lane partial sums of a weight gradient, folded once per call. */
    float[] lanes(int n) { if (lanes.length < n) lanes = new float[n]; return lanes; }
    /** Weights flipped and with channel axes swapped, for the input gradient. */
    float[] flipped(int n) { if (flipped.length < n) flipped = new float[n]; return flipped; }
    /** A zero-bordered copy of one sample. */
    float[] padded(int n) {
        if (padded.length < n) {
            padded = new float[n];
            paddedLayout[0] = -1;
        }
        return padded;
    }

    /** The padded buffer, n floats at least, for contents of another kind: its border is no longer known to be zero. */
    float[] paddedOverwritten(int n) {
        float[] buffer = padded(n);
        paddedLayout[0] = -1;
        return buffer;
    }

    /** Whether the padded buffer last held this layout (its border is still zero); records it either way. */
    boolean paddedLayoutIs(int channels, int h, int w, int padH, int padW, int size) {
        int[] l = paddedLayout;
        if (l[0] == channels && l[1] == h && l[2] == w && l[3] == padH && l[4] == padW && l[5] == size) return true;
        l[0] = channels; l[1] = h; l[2] = w; l[3] = padH; l[4] = padW; l[5] = size;
        return false;
    }
    /** A product over the padded width, before its valid columns are copied out. */
    float[] ext(int n) { if (ext.length < n) ext = new float[n]; return ext; }
    /** Packed weights, written by the calling thread and only read by the pool while a call runs. */
    float[] packW(int n) { if (packW.length < n) packW = new float[n]; return packW; }

    /** A row of an inference max pool: its window rows' max, with −∞ where the padding is. */
    float[] poolRow(int n) { if (poolRow.length < n) poolRow = new float[n]; return poolRow; }

    /** One sample's full-size convolution output on its way to a fused pooling (inference). */
    float[] sampleOut(int n) { if (sampleOut.length < n) sampleOut = new float[n]; return sampleOut; }

    /** The last cells of a max-pool input, copied so that whole vectors can be read. */
    float[] poolEdge(int n) { if (poolEdge.length < n) poolEdge = new float[n]; return poolEdge; }

    /** A vector of pool winners' indices on its way to a part row of the output. */
    int[] poolIndices(int n) { if (poolIndices.length < n) poolIndices = new int[n]; return poolIndices; }

    /**
     * A whole batch's full-size convolution output or its gradient, for a training pass fused with the
     * pool after it that takes the full-size route (neither the few-tap pass nor Winograd's tiles).
     */
    float[] unpooled(int n) { if (unpooled.length < n) unpooled = new float[n]; return unpooled; }

    /** A locally connected call's zero-bordered batch (its input, or its input gradient being summed). */
    float[] localPadded(int n) { if (localPadded.length < n) localPadded = new float[n]; return localPadded; }
    /** One output row's filters of a locally connected layer, taps as rows. */
    float[] localFilters(int n) { if (localFilters.length < n) localFilters = new float[n]; return localFilters; }
    /** A locally connected call's dy, each output row padded to whole vectors. */
    float[] localRows(int n) { if (localRows.length < n) localRows = new float[n]; return localRows; }
    /** Transformed input patches of a Winograd chunk. */
    float[] winogradIn(int n) { if (winogradIn.length < n) winogradIn = new float[n]; return winogradIn; }

    /** The 16 products of a Winograd chunk. */
    float[] winogradProducts(int n) { if (winogradProducts.length < n) winogradProducts = new float[n]; return winogradProducts; }

    /** Four padded input rows split into even and odd columns. */
    float[] winogradSplit(int n) { if (winogradSplit.length < n) winogradSplit = new float[n]; return winogradSplit; }

    /** A sample's rows split into their even and odd columns, for the weight gradient at stride 2 across ({@link ChannelLaneWeightGrad}). */
    float[] halves(int n) { if (halves.length < n) halves = new float[n]; return halves; }

    /** A sample's input gradient, channels last, as {@link ChannelsLastInputGrad} sums it. */
    float[] channelsLast(int n) { if (channelsLast.length < n) channelsLast = new float[n]; return channelsLast; }

    /** A sample's padded input, channels last, for the Winograd weight gradient. */
    float[] winogradPatches(int n) { if (winogradPatches.length < n) winogradPatches = new float[n]; return winogradPatches; }

    /** A sample's output gradient, channels last, for the Winograd weight gradient. */
    float[] winogradGradients(int n) { if (winogradGradients.length < n) winogradGradients = new float[n]; return winogradGradients; }

    /** A sample's Winograd outputs, channels last, before they are transposed ({@link WinogradLaneConv}). */
    float[] winogradOut(int n) { if (winogradOut.length < n) winogradOut = new float[n]; return winogradOut; }

    /** One tile's transform between its two passes ({@link Winograd4Tiles}). */
    float[] winogradStage(int n) { if (winogradStage.length < n) winogradStage = new float[n]; return winogradStage; }

    /** Zeros, never written: the bias of a locally connected layer that has none. */
    float[] localZeros(int n) { if (localZeros.length < n) localZeros = new float[n]; return localZeros; }

    /** The arguments of this thread's element-wise call while the pool runs it. */
    SimdElementwise.Job elementwiseJob() { return elementwiseJob; }

    /** The arguments of this thread's parameter update while the pool runs it. */
    SimdUpdates.Job updateJob() { return updateJob; }

    /** One accumulator per thread part, owned by the calling thread, for reductions in part order. */
    float[][] partials(int parts, int n) {
        if (partials.length < parts || partials[0].length < n) partials = new float[parts][n];
        return partials;
    }
}
