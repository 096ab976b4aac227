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
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;

/**
 * C = A·B for square and conv-shaped products. GFLOP/s = 2·m·n·k / (µs per op) / 1000.
 * Shapes "m,n,k": 64,196,288 is the fashion-cnn conv2 GEMM for one sample; 64,128,3136 its fc1 at batch 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the JIT options as an argument file, relative to where the benchmarks run: the project root (see jit.options)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "@jit.options"})
public class GemmBenchmark {
    @Param({"64,196,288", "64,128,3136", "256,256,256", "512,512,512"})
    public String shape;

    @Param({"simd"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    private Kernels k;
    private int m, n, kk;
    private float[] a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split(",");
        m = Integer.parseInt(s[0]);
        n = Integer.parseInt(s[1]);
        kk = Integer.parseInt(s[2]);
        k = KernelProvider.configure(kernels, threads);
        Random r = new Random(1);
        a = new float[m * kk];
        b = new float[kk * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
    }

    @TearDown(Level.Trial)
    public void tearDown() { KernelProvider.configure("scalar", 1); }

    @Benchmark
    public float[] gemm() {
        k.gemm(false, false, m, n, kk, a, 0, kk, b, 0, n, 0f, c, 0, n);
        return c;
    }
}
