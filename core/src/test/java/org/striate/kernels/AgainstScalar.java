package org.striate.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test of one vector kernel against the scalar kernels: {@link #REF}, and {@link #simd} on two
 * threads, made before the class's tests and closed after them; the tests are skipped where the
 * Vector API is not available.
 */
abstract class AgainstScalar {
    static final ScalarKernels REF = new ScalarKernels();
    static Kernels simd;

    @BeforeAll
    static void loadVectorKernels() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(2);
    }

    @AfterAll
    static void closeVectorKernels() throws Exception {
        if (simd instanceof AutoCloseable c) c.close();
        simd = null;
    }
}
