package org.striate.lab;

import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Spatial shifts of (N, C, H, W) batches, the operator T of the equivariance and invariance probes.
 * A positive {@code dy} moves the content down, a positive {@code dx} moves it right. Two kinds: a
 * zero-fill shift (the content that leaves the frame is lost, zeros come in, as when an object moves
 * in a photograph) and a circular roll (what leaves on one side comes back on the other, the group
 * under which a convolution with wrap-around padding is exactly equivariant).
 */
public final class Shifts {
    private Shifts() {}

    /** out[n,c,i,j] = x[n,c,i−dy,j−dx] where that lies inside the frame, else 0. */
    public static Tensor shift(Tensor x, int dy, int dx) {
        int[] s = spatial(x);
        int planes = s[0] * s[1], h = s[2], w = s[3];
        Tensor out = new Tensor(x.shape());
        int j0 = Math.max(0, dx), j1 = Math.min(w, w + dx);
        if (j1 <= j0) return out;
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int i = Math.max(0, dy); i < Math.min(h, h + dy); i++) {
                System.arraycopy(x.data, base + (i - dy) * w + j0 - dx, out.data, base + i * w + j0, j1 - j0);
            }
        }
        return out;
    }

    /** out[n,c,i,j] = x[n,c,(i−dy) mod H,(j−dx) mod W]. */
    public static Tensor roll(Tensor x, int dy, int dx) {
        int[] s = spatial(x);
        int planes = s[0] * s[1], h = s[2], w = s[3];
        Tensor out = new Tensor(x.shape());
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int i = 0; i < h; i++) {
                int from = base + Math.floorMod(i - dy, h) * w;
                for (int j = 0; j < w; j++) out.data[base + i * w + j] = x.data[from + Math.floorMod(j - dx, w)];
            }
        }
        return out;
    }

    /** (N, C, H + 2·ph, W + 2·pw): x surrounded by its own opposite edges, as a torus seen flat. */
    public static Tensor wrapPad(Tensor x, int ph, int pw) {
        int[] s = spatial(x);
        int planes = s[0] * s[1], h = s[2], w = s[3], hp = h + 2 * ph, wp = w + 2 * pw;
        Tensor out = new Tensor(s[0], s[1], hp, wp);
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < hp; i++) {
                int from = p * h * w + Math.floorMod(i - ph, h) * w;
                for (int j = 0; j < wp; j++) out.data[(p * hp + i) * wp + j] = x.data[from + Math.floorMod(j - pw, w)];
            }
        }
        return out;
    }

    private static int[] spatial(Tensor x) {
        if (x.rank() != 4) {
            throw new ShapeException("Shifts work on image batches of shape (N, C, H, W); received " + Shapes.str(x.shape()) + ".");
        }
        return x.shape();
    }
}
