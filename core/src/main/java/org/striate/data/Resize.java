package org.striate.data;

/**
 * How an image plane is resampled to another size. Both methods are separable: a table of source
 * indices and weights per output row and per output column, applied along W then along H. At the
 * same size both are the identity.
 */
public enum Resize {
    /** Linear interpolation between the two nearest source pixels, pixel centres aligned (half-pixel convention). */
    BILINEAR,
    /**
     * Keys' cubic convolution with a = −0.5 (as MATLAB's and PIL's bicubic when enlarging) over the four
     * nearest source pixels, half-pixel centres, edge pixels repeated: the usual baseline of super-resolution.
     */
    BICUBIC,
    /** Each output pixel is the mean of the source area it covers, with fractional edges: the right choice to shrink. */
    AREA;

    /** One output pixel's sources along one axis. */
    private record Taps(int[] index, float[] weight) {}

    /** Resamples src (sh, sw), read from srcOff, into dst (dh, dw) written at dstOff. */
    public void apply(float[] src, int srcOff, int sh, int sw, float[] dst, int dstOff, int dh, int dw) {
        Taps[] cols = taps(sw, dw), rows = taps(sh, dh);
        float[] tmp = new float[sh * dw];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < dw; x++) {
                Taps t = cols[x];
                float s = 0;
                for (int k = 0; k < t.index.length; k++) s += t.weight[k] * src[srcOff + y * sw + t.index[k]];
                tmp[y * dw + x] = s;
            }
        }
        for (int y = 0; y < dh; y++) {
            Taps t = rows[y];
            for (int x = 0; x < dw; x++) {
                float s = 0;
                for (int k = 0; k < t.index.length; k++) s += t.weight[k] * tmp[t.index[k] * dw + x];
                dst[dstOff + y * dw + x] = s;
            }
        }
    }

    private Taps[] taps(int in, int out) {
        Taps[] t = new Taps[out];
        for (int o = 0; o < out; o++) {
            t[o] = switch (this) {
                case BILINEAR -> linear(o, in, out);
                case BICUBIC -> cubic(o, in, out);
                case AREA -> area(o, in, out);
            };
        }
        return t;
    }

    private static Taps linear(int o, int in, int out) {
        double s = (o + 0.5) * in / out - 0.5;
        s = Math.max(0, Math.min(in - 1, s));
        int i0 = (int) Math.floor(s);
        int i1 = Math.min(i0 + 1, in - 1);
        float f = (float) (s - i0);
        if (f == 0 || i0 == i1) return new Taps(new int[] {i0}, new float[] {1f});
        return new Taps(new int[] {i0, i1}, new float[] {1 - f, f});
    }

    private static Taps cubic(int o, int in, int out) {
        double s = (o + 0.5) * in / out - 0.5;
        int base = (int) Math.floor(s);
        int[] idx = new int[4];
        float[] w = new float[4];
        for (int k = 0; k < 4; k++) {
            int i = base - 1 + k;
            idx[k] = Math.max(0, Math.min(in - 1, i));
            w[k] = (float) keys(Math.abs(s - i));
        }
        return new Taps(idx, w);
    }

    /** Keys' kernel with a = −0.5. */
    private static double keys(double d) {
        double a = -0.5;
        if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
        if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return 0;
    }

    /** Output pixel o covers source [o·in/out, (o+1)·in/out); each source pixel weighs its overlap. */
    private static Taps area(int o, int in, int out) {
        double lo = (double) o * in / out, hi = (double) (o + 1) * in / out;
        int first = (int) Math.floor(lo), last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
        int n = last - first + 1;
        int[] idx = new int[n];
        float[] w = new float[n];
        for (int k = 0; k < n; k++) {
            int i = first + k;
            idx[k] = i;
            w[k] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo));
        }
        return new Taps(idx, w);
    }
}
