package org.striate.train;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running some code (HotSpot's per-thread counter). */
final class Allocations {
    private Allocations() {}

    static long measure(Runnable code) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        code.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }
}
