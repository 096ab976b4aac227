package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

    @AfterEach
    void restore() { KernelProvider.use(new ScalarKernels()); }

    @Test
    void scalarOnRequest() {
        Kernels k = KernelProvider.configure("scalar", 2);
        assertEquals("scalar 2 threads", k.name());
        assertEquals("scalar 2 threads", Kernels.get().name());
        assertEquals(2, k.pool().threads());
        assertEquals("scalar", KernelProvider.configure("scalar", 1).name());
        assertEquals(null, Kernels.get().pool());
    }

    @Test
    void simdNamesWidthAndThreadsWhenAvailable() {
        Kernels k = KernelProvider.configure("auto", 2);
        if (KernelProvider.simdUnavailableReason() == null && Runtime.version().feature() >= KernelProvider.MIN_FAST_JAVA) {
            assertTrue(k.name().matches("simd-\\d+ 2 threads"), k.name());
        } else {
            assertEquals("scalar 2 threads", k.name());
            assertTrue(KernelProvider.fallbackReason() != null && !KernelProvider.fallbackReason().isBlank());
        }
    }

    @Test
    void simdOnRequestWhateverTheJavaVersion() {
        if (KernelProvider.simdUnavailableReason() != null) {
            assertThrows(KernelsUnavailableException.class, () -> KernelProvider.configure("simd", 1));
            return;
        }
        assertEquals("simd-" + SimdKernels.vectorBits() + " 1 thread", KernelProvider.configure("simd", 1).name());
    }

    @Test
    void badArgumentsAreTyped() {
        KernelsUnavailableException kind = assertThrows(KernelsUnavailableException.class, () -> KernelProvider.configure("gpu", 2));
        assertTrue(kind.getMessage().contains("Received kernels=gpu"), kind.getMessage());
        KernelsUnavailableException threads = assertThrows(KernelsUnavailableException.class, () -> KernelProvider.configure("auto", 0));
        assertTrue(threads.getMessage().contains("Received threads=0"), threads.getMessage());
    }

    @Test
    void poolRunsEveryPartOnceInFixedRanges() {
        try (Parallel pool = new Parallel(3)) {
            int[] owner = new int[100];
            for (int rep = 0; rep < 50; rep++) {
                java.util.Arrays.fill(owner, -1);
                pool.run(100, (part, from, to) -> {
                    for (int i = from; i < to; i++) owner[i] = owner[i] == -1 ? part : 99;
                });
                for (int i = 0; i < 100; i++) {
                    int expected = i < Parallel.split(100, 3, 1) ? 0 : i < Parallel.split(100, 3, 2) ? 1 : 2;
                    assertEquals(expected, owner[i], "item " + i);
                }
            }
        }
    }
}
