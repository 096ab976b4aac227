package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2col#im2col} against its definition on random shapes: strides 1 to 3 (2 takes the vector
 * path), padding, dilation, odd and prime sizes, samples at the very end of x (where a whole-vector
 * read would run past it), and nothing written past the matrix and its slack.
 */
class Im2colTest {
    @Test
    void equalsItsDefinitionOnRandomShapes() {
        Random r = new Random(41);
        int checked = 0;
        for (int t = 0; t < 1500 && checked < 1000; t++) {
            int k = 1 + r.nextInt(4), stride = 1 + r.nextInt(3), pad = r.nextInt(k), dil = r.nextInt(4) == 0 ? 2 : 1;
            ConvGeometry g = new ConvGeometry(1 + r.nextInt(4), 1 + r.nextInt(37), 1 + r.nextInt(37), 3, k, k, t % 3 == 0 ? 2 : stride,
                    t % 3 == 0 ? 2 : stride, pad, pad, dil, dil, 1);
            if (g.outH() <= 0 || g.outW() <= 0) continue;
            int samples = 1 + r.nextInt(3), n = r.nextInt(samples);
            float[] x = new float[samples * g.inSize()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
            int rows = g.inC() * k * k, spatial = g.outH() * g.outW();
            float[] col = new float[rows * spatial + Im2col.SLACK + 5];
            Arrays.fill(col, Float.NaN);
            Arrays.fill(col, rows * spatial + Im2col.SLACK, col.length, 7f);
            Im2col.im2col(g, x, n * g.inSize(), col);
            for (int c = 0; c < g.inC(); c++) {
                for (int l = 0; l < k; l++) {
                    for (int m = 0; m < k; m++) {
                        for (int i = 0; i < g.outH(); i++) {
                            for (int j = 0; j < g.outW(); j++) {
                                int y = i * g.strideH() - pad + l * dil, xx = j * g.strideW() - pad + m * dil;
                                float want = y < 0 || y >= g.inH() || xx < 0 || xx >= g.inW() ? 0f : x[n * g.inSize() + (c * g.inH() + y) * g.inW() + xx];
                                assertEquals(want, col[((c * k + l) * k + m) * spatial + i * g.outW() + j], g + " sample " + n + " of " + samples);
                            }
                        }
                    }
                }
            }
            for (int i = rows * spatial + Im2col.SLACK; i < col.length; i++) assertEquals(7f, col[i], "written past the slack: " + g);
            checked++;
        }
        assertEquals(1000, checked);
    }
}
