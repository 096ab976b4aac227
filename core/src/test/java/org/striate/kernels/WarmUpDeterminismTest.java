package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.random;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Results depend on the input only, not on how far the JIT has got: the vector kernels give the same
 * bits interpreted (the Vector API's Java fallback, as in a JVM's first steps) as compiled. A lane sum
 * by {@code reduceLanes(ADD)} breaks this (the compiled sum adds in another order), and made two
 * training runs of one seed drift apart; {@link SimdGemm#sumLanes} is the fixed-order sum.
 */
class WarmUpDeterminismTest {

    /** Training's fused Conv2d → ReLU → 2×2 max pool forward and weight gradient, a dense layer and a GEMM. */
    static float[] compute(Kernels k) {
        Random r = new Random(5);
        ConvGeometry g = new ConvGeometry(1, 12, 13, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int batch = 3, pooled = batch * g.outC() * (g.outH() / 2) * (g.outW() / 2);
        float[] x = random(r, batch * g.inSize()), w = random(r, g.weightSize() + g.outC());
        float[] y = new float[pooled], dy = random(r, pooled), dw = new float[w.length];
        int[] arg = new int[pooled];
        k.conv2dForwardReluMaxPoolArg(g, batch, x, w, 0, w, g.weightSize(), y, arg);
        k.conv2dBackwardParamsMaxPooled(g, batch, x, dy, y, arg, dw, 0, dw, g.weightSize());
        int in = 37, out = 21;
        float[] xd = random(r, batch * in), wd = random(r, out * in + out), yd = new float[batch * out];
        float[] dyd = random(r, yd.length), dxd = new float[xd.length], dwd = new float[wd.length];
        k.denseForward(batch, in, out, xd, wd, 0, wd, out * in, yd);
        k.denseBackward(batch, in, out, xd, wd, 0, dyd, dxd, dwd, 0, dwd, out * in);
        float[] c = new float[9 * 35];
        k.gemm(false, true, 9, 35, 41, random(r, 9 * 41), 0, 41, random(r, 35 * 41), 0, 41, 0f, c, 0, 35);
        return ThreadDeterminismTest.concat(y, dw, yd, dxd, dwd, c);
    }

    static String bits(float[] v) {
        StringBuilder s = new StringBuilder();
        for (float f : v) s.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(' ');
        return s.toString().trim();
    }

    /** The child JVM's side: the same computation, interpreted from its first call to its last. */
    public static void main(String[] args) {
        System.out.println(bits(compute(KernelProvider.simd(1))));
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        Kernels simd = KernelProvider.simd(1);
        float[] compiled = compute(simd);
        // long enough for C2 to compile every kernel on the way (it does so within the first thousands of calls)
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) compiled = compute(simd);
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xint",
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), WarmUpDeterminismTest.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String interpreted = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, child.waitFor(), "the interpreted run failed");
        assertEquals(interpreted, bits(compiled), "kernels interpreted and compiled gave different bits");
    }
}
