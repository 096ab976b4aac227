package org.striate.kernels;

/**
 * Chooses the kernels once, at first use. Only the scalar reference exists for now; a SIMD provider
 * slots in here and falls back to scalar when the Vector API is not available.
 */
public final class KernelProvider {
    private static volatile Kernels current;

    private KernelProvider() {}

    static Kernels current() {
        Kernels k = current;
        if (k == null) {
            synchronized (KernelProvider.class) {
                if (current == null) current = new ScalarKernels();
                k = current;
            }
        }
        return k;
    }

    /** Replaces the kernels for the whole JVM (tests and --kernels use this). */
    public static synchronized void use(Kernels kernels) { current = kernels; }
}
