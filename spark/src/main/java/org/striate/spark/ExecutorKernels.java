package org.striate.spark;

import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;

/**
 * The kernels' thread count on an executor. Spark already runs one task per core; kernels that also
 * split each call over every core make the tasks of one executor fight for one pool (one task gets
 * it, the others run serially and the whole barrier waits for the slowest). So each task asks for
 * the threads its slot has, {@code spark.task.cpus} by default, keeping the kind of kernels (SIMD or
 * scalar). The setting is the JVM's: in local mode it holds for the driver's own work afterwards too.
 */
final class ExecutorKernels {
    private ExecutorKernels() {}

    /** Makes the kernels run {@code threads} threads; 0 leaves them as they are. */
    static synchronized void use(int threads) {
        if (threads <= 0) return;
        Kernels k = Kernels.get();
        int current = k.pool() == null ? 1 : k.pool().threads();
        if (current != threads) KernelProvider.configure(k.name().startsWith("simd") ? "simd" : "scalar", threads);
    }
}
