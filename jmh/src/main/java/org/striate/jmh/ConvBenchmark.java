package org.striate.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;

/**
 * The fashion-cnn convolution layers at the training batch (64): conv1 1x28x28 → 32, conv2 32x14x14 → 64,
 * both 3×3 pad 1. Forward FLOPs = 2 · g.macs() · batch (conv1 28.9 MFLOP, conv2 462.4 MFLOP per batch);
 * backward (dW + dx) is twice that.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the JIT options as an argument file, relative to where the benchmarks run: the project root (see jit.options)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "@jit.options"})
public class ConvBenchmark {
    @Param({"conv1", "conv2"})
    public String layer;

    @Param({"simd", "scalar"})
    public String kernels;

    @Param({"2"})
    public int threads;

    @Param({"64"})
    public int batch;

    private Kernels k;
    private ConvGeometry g;
    private float[] x, w, y, dy, dx, dw;

    @Setup(Level.Trial)
    public void setUp() {
        g = layer.equals("conv1")
                ? new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)
                : new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        k = KernelProvider.configure(kernels, threads);
        Random r = new Random(1);
        x = fill(r, batch * g.inSize());
        w = fill(r, g.weightSize() + g.outC());
        y = new float[batch * g.outSize()];
        dy = fill(r, y.length);
        dx = new float[x.length];
        dw = new float[w.length];
    }

    @TearDown(Level.Trial)
    public void tearDown() { KernelProvider.configure("scalar", 1); }

    private static float[] fill(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    @Benchmark
    public float[] forward() {
        k.conv2dForward(g, batch, x, w, 0, w, g.weightSize(), y);
        return y;
    }

    @Benchmark
    public float[] backward() {
        k.conv2dBackwardParams(g, batch, x, dy, dw, 0, dw, g.weightSize());
        k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        return dx;
    }
}
