package org.striate.tensor;

import java.util.Locale;

/**
 * Checks, before a large allocation, that the heap can hold it, so an input that is too big is
 * refused with a message that names it and gives the figures, instead of an OutOfMemoryError
 * somewhere inside. The estimate is compared with the heap's maximum less what is in use.
 */
public final class Memory {
    private Memory() {}

    /** Throws a {@link TooLargeException} when {@code bytes} more cannot fit in the heap; {@code what} names them. */
    public static void require(long bytes, String what) {
        Runtime r = Runtime.getRuntime();
        if (bytes <= r.maxMemory() - used(r)) return;
        if (bytes <= r.maxMemory()) {
            System.gc();                       // what is in use may be garbage; only this rare case pays for a collection
            if (bytes <= r.maxMemory() - used(r)) return;
        }
        throw new TooLargeException(what + " needs about " + human(bytes) + " of memory, but this JVM may use at most "
                + human(r.maxMemory()) + " (" + human(Math.max(0, r.maxMemory() - used(r))) + " free)."
                + " Expected a smaller model, batch or input; or give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx16g).");
    }

    private static long used(Runtime r) { return r.totalMemory() - r.freeMemory(); }

    /** "3.2 GiB" */
    public static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) { bytes /= 1024; u++; }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", bytes) : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
