package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FP32 ceiling of this machine as the Vector API reaches it: independent FMA chains on the
 * preferred vector width, enough of them to cover FMA latency on two ports, on every thread of the
 * pool at once. Loaded by reflection from {@link PeakFlops}, which takes the best of several windows.
 */
final class SimdPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final int INNER = 1 << 10;

    private SimdPeak() {}

    /** GFLOP/s summed over the pool's threads, each running FMAs for about {@code nanos}. */
    static double window(Parallel pool, long nanos) {
        int threads = pool.threads();
        float[] sink = new float[threads];
        long[] fmas = new long[threads];
        long t0 = System.nanoTime();
        pool.run(threads, (part, from, to) -> {
            long end = System.nanoTime() + nanos;
            long done = 0;
            while (System.nanoTime() < end) {
                fmaLoop(8, INNER, sink, part);
                done += 8L * INNER;
            }
            fmas[part] = done;
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        long total = 0;
        for (long f : fmas) total += f;
        return total * CHAINS * S.length() * 2.0 / seconds / 1e9;
    }

    private static void fmaLoop(int outer, int inner, float[] sink, int slot) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f), a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f), a11 = a0.add(11f);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
                a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
                a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
            }
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        sink[slot] += s.reduceLanes(VectorOperators.ADD);
    }
}
