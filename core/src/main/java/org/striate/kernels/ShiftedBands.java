package org.striate.kernels;

/**
 * One sample's shifted-view convolution ({@link SimdConv#shifted}, one group, no pooling) split over
 * the pool by bands of output rows: each thread pads the input rows its band reads into its own
 * buffer, multiplies its band's columns of the product and writes its band's rows of the output. Split
 * by columns of the product instead, the calling thread padded the input and copied the output out
 * for both while the other waited: resnet8's 32-channel 28 × 28 layer at batch 1 ran only 1.4× as
 * fast on two threads as on one (see BENCHMARKS.md for this split's figures).
 */
final class ShiftedBands implements Parallel.RangeTask {
    private static final ThreadLocal<ShiftedBands> MINE = ThreadLocal.withInitial(ShiftedBands::new);

    private int cG, mG, h, w, kH, kW, padH, padW, dilH, dilW, srcOff, bOff, dstOff, bands;
    private float[] src, ap, bias, dst;
    private boolean relu;

    static void run(Parallel pool, int cG, int mG, int h, int w, int kH, int kW, int padH, int padW, int dilH, int dilW,
                    float[] src, int srcOff, float[] ap, float[] bias, int bOff, boolean relu, float[] dst, int dstOff) {
        ShiftedBands job = MINE.get();
        job.cG = cG; job.mG = mG; job.h = h; job.w = w; job.kH = kH; job.kW = kW;
        job.padH = padH; job.padW = padW; job.dilH = dilH; job.dilW = dilW;
        job.src = src; job.srcOff = srcOff; job.ap = ap; job.bias = bias; job.bOff = bOff; job.relu = relu;
        job.dst = dst; job.dstOff = dstOff; job.bands = pool.threads();
        try {
            pool.run(pool.threads(), job);
        } finally {
            job.src = job.ap = job.bias = job.dst = null;
        }
    }

    @Override
    public void run(int part, int from, int to) {
        int oh = h + 2 * padH - dilH * (kH - 1);
        for (int b = from; b < to; b++) band(Parallel.split(oh, bands, b), Parallel.split(oh, bands, b + 1), oh);
    }

    /**
     * Output rows [y0, y1): padded input rows [y0, y1 + dilH·(kH − 1)) are read for the valid columns
     * (the columns past ow, computed over the padded width and dropped, may read rows after them).
     */
    private void band(int y0, int y1, int oh) {
        if (y0 == y1) return;
        int wp = w + 2 * padW, plane = (h + 2 * padH) * wp, ow = wp - dilW * (kW - 1), ext = oh * wp, kg = cG * kH * kW;
        int r0 = Math.max(0, y0 - padH), r1 = Math.min(h, y1 + dilH * (kH - 1) - padH);
        Scratch s = Scratch.get();
        float[] xp = SimdConv.pad(s, src, srcOff, cG, h, w, padH, padW, dilW * (kW - 1), r0, Math.max(r0, r1));
        float[] out = s.ext(mG * ext + 2 * SimdGemm.L);
        int[] rows = s.convRows(kg);
        SimdConv.shiftedRows(rows, 0, cG, plane, wp, kH, kW, dilH, dilW);
        SimdGemm.multiplyPacked(mG, y0 * wp, y1 * wp, kg, ap, 0, xp, rows, 0f, out, 0, ext);
        SimdConv.copyValid(out, mG, oh, ow, wp, y0, y1, bias, bOff, relu, dst, dstOff);
    }
}
