package org.striate.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Chooses the kernels once, at first use, the way Lucene's VectorizationProvider does: the SIMD
 * kernels are loaded by reflection only when {@code jdk.incubator.vector} is readable and the CPU's
 * preferred float vector is at least 256 bits wide; otherwise the scalar reference runs and
 * {@link #fallbackReason()} says why (also logged once).
 *
 * <p>On Java before {@value #MIN_FAST_JAVA} "auto" picks scalar: the incubator module loads there but
 * its vectors are not kept in registers, which makes SIMD code slower than plain loops.
 *
 * <p>System properties {@code striate.kernels=auto|scalar|simd} and {@code striate.threads=N}
 * (default: available processors) set the start-up choice; {@link #configure} changes it later
 * (the command line's --kernels and --threads).
 */
public final class KernelProvider {
    private static final String SIMD_CLASS = "org.striate.kernels.SimdKernels";
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    /** The first Java release whose C2 keeps Vector API values in registers in these kernels. */
    static final int MIN_FAST_JAVA = 21;

    private static volatile Kernels current;
    private static volatile String fallbackReason;

    private KernelProvider() {}

    static Kernels current() {
        Kernels k = current;
        if (k == null) {
            synchronized (KernelProvider.class) {
                if (current == null) current = startupChoice();
                k = current;
            }
        }
        return k;
    }

    private static Kernels startupChoice() {
        String kind = System.getProperty("striate.kernels", "auto").trim().toLowerCase(Locale.ROOT);
        int threads = Runtime.getRuntime().availableProcessors();
        String t = System.getProperty("striate.threads");
        if (t != null) {
            try {
                threads = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "Ignoring striate.threads=" + t + ": expected a positive integer.");
            }
        }
        threads = Math.min(Math.max(threads, 1), maxThreads());
        if (!kind.equals("scalar") && !kind.equals("simd") && !kind.equals("auto")) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring striate.kernels=" + kind + ": expected auto, scalar or simd.");
            kind = "auto";
        }
        return choose(kind, threads, false);
    }

    /**
     * Replaces the kernels for the whole JVM. {@code kind} is auto (SIMD when available, else scalar),
     * scalar, or simd (fails when the Vector API cannot be used); {@code threads} ≥ 1.
     *
     * @throws KernelsUnavailableException for an unknown kind, threads &lt; 1, or simd when unavailable
     */
    public static synchronized Kernels configure(String kind, int threads) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        if (!k.equals("auto") && !k.equals("scalar") && !k.equals("simd")) {
            throw new KernelsUnavailableException("Invalid value for argument `kernels`. Expected auto, scalar or simd. Received kernels=" + kind + ".");
        }
        if (threads < 1 || threads > maxThreads()) {
            throw new KernelsUnavailableException("Invalid value for argument `threads`. Expected 1 to " + maxThreads()
                    + " (four times the " + Runtime.getRuntime().availableProcessors() + " processors, at least 64). Received threads=" + threads + ".");
        }
        Kernels chosen = choose(k, threads, true);
        use(chosen);
        return chosen;
    }

    /** More threads than this only cost memory (a replica of the model's buffers each) and thread start-up. */
    public static int maxThreads() { return Math.max(64, 4 * Runtime.getRuntime().availableProcessors()); }

    /** Why the SIMD kernels are not in use, or null when they are (or were never asked for). */
    public static String fallbackReason() { return fallbackReason; }

    /** Replaces the kernels for the whole JVM (tests use this); closes the previous pool. */
    public static synchronized void use(Kernels kernels) {
        Kernels old = current;
        current = kernels;
        if (old != kernels && old instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a pool only stops idle daemon threads
            }
        }
    }

    /** A new SIMD kernel set with its own pool, or the reason it cannot be made. */
    public static Kernels simd(int threads) {
        String why = simdUnavailableReason();
        if (why != null) throw new KernelsUnavailableException("SIMD kernels are not available: " + why + ".");
        try {
            return (Kernels) Class.forName(SIMD_CLASS).getConstructor(int.class).newInstance(threads);
        } catch (InvocationTargetException e) {
            throw new KernelsUnavailableException("SIMD kernels are not available: " + e.getCause().getMessage() + ".", e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new KernelsUnavailableException("SIMD kernels are not available: " + e + ".", e);
        }
    }

    /** Null when the Vector API module is readable, else what to do about it. */
    public static String simdUnavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the module jdk.incubator.vector is not readable (start java with --add-modules jdk.incubator.vector)";
        }
        return null;
    }

    private static Kernels choose(String kind, int threads, boolean strict) {
        fallbackReason = null;
        if (kind.equals("scalar")) return new ScalarKernels(threads);
        if (kind.equals("auto") && Runtime.version().feature() < MIN_FAST_JAVA) {
            // the incubator API works on 17 but C2 there leaves vectors boxed: measured 20x slower than scalar code
            fallbackReason = "Java " + Runtime.version().feature() + " does not compile the Vector API to fast SIMD code; "
                    + "run on Java " + MIN_FAST_JAVA + "+ (or force it with --kernels=simd)";
            LOG.log(System.Logger.Level.DEBUG, fallbackReason + ". Using the scalar kernels."); // --verbose prints it: stderr stays one line
            return new ScalarKernels(threads);
        }
        try {
            return simd(threads);
        } catch (KernelsUnavailableException e) {
            if (strict && kind.equals("simd")) throw e;
            fallbackReason = e.getMessage();
            LOG.log(System.Logger.Level.DEBUG, e.getMessage() + " Using the scalar kernels.");
            return new ScalarKernels(threads);
        }
    }
}
