package org.striate.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;
import org.striate.train.DataParallel;

/**
 * No allocation in the steady state: after a few warm-up steps, the bytes the JVM counts as allocated
 * by the calling thread and the kernels' pool threads over 5 and over 50 more training steps
 * ({@code TrainingStep} through the batch loader, as {@code striate train} and the benchmark take it),
 * inference batches and batch-1 forwards stay under a small bound that does not grow with the steps.
 * Runs on the kernels the JVM offers (SIMD on 21+) with 1 and 2 threads; on the scalar ones, lenet5 only.
 *
 * <p>Tagged {@code steady-state}, the build runs it in a JVM of its own, as a user's process runs its
 * model: what C2 compiles depends on what the JVM ran before, and after the other tests' hundreds of
 * odd shapes it left some vector operations or small objects unelided that a fresh JVM elides (on an
 * AVX-512 machine, 64 bytes a step and thread after {@code ModelBenchTest}'s tiny models; 0 alone).
 */
@Tag("steady-state")
class SteadyStateAllocationTest {
    /**
     * Bytes allowed over a whole measurement, whatever its length: what the counter reading itself
     * allocates (its result array, 24 to 32 bytes), with room to spare.
     */
    private static final long BOUND = 256;
    private static final int WARM_UP = 8, FEW = 5, MANY = 50, ATTEMPTS = 3;
    /** The longest warm-up: on a busy machine C2 may take a minute to compile every kernel. */
    private static final long WARM_UP_NANOS = 30_000_000_000L;

    private Kernels before;

    @BeforeEach
    void remember() { before = Kernels.get(); }

    @AfterEach
    void restore() { KernelProvider.use(before); }

    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"fashion-cnn, 1", "fashion-cnn, 2", "resnet8, 1", "resnet8, 2", "lenet5, 2", "small-lc, 2"})
    void trainingAndInferenceAllocateNothingPerStep(String name, int threads) {
        Kernels kernels = KernelProvider.configure("auto", threads);
        // the scalar kernels (Java 17) take seconds a step on the larger models: lenet5 alone there
        assumeTrue(name.equals("lenet5") || !kernels.name().startsWith("scalar"), "scalar kernels: lenet5 only");
        Graph model = Zoo.build(name, Zoo.defaultInput(), 1);
        Random rng = new Random(5);
        Runnable train = ModelBench.trainingStep(model, 16, rng);
        DataParallel parallel = new DataParallel(model);
        Tensor batch = ModelBench.randomBatch(rng, 32, model.inputShape());
        Tensor one = ModelBench.randomBatch(rng, 1, model.inputShape());
        check(name + " training", train);
        check(name + " inference", () -> parallel.forward(batch, false));
        check(name + " batch-1 forward", () -> model.forward(one, false));
        // a deployed copy (weights fixed, laid out once) takes paths of its own: single rows of a dense layer
        Graph deployed = model.forInference();
        check(name + " deployed batch-1 forward", () -> deployed.forward(one, false));
    }

    /**
     * resnet18 at 112 × 112: its third stage's single-sample 7 × 7 maps of 256 channels take the
     * Winograd products with channels in the lanes, which no model above reaches.
     */
    @ParameterizedTest(name = "resnet18 batch-1 forward on {0} threads")
    @CsvSource({"1", "2"})
    void batchOneForwardOfWideLayersAllocatesNothing(int threads) {
        Kernels kernels = KernelProvider.configure("auto", threads);
        assumeTrue(!kernels.name().startsWith("scalar"), "scalar kernels: lenet5 only");
        Graph model = Zoo.build("resnet18", new int[] {1, 112, 112}, 1).forInference();
        Tensor one = ModelBench.randomBatch(new Random(6), 1, model.inputShape());
        check("resnet18 batch-1 forward", () -> model.forward(one, false));
    }

    private static void check(String what, Runnable step) {
        for (int i = 0; i < WARM_UP; i++) step.run();
        // until C2 has compiled the Vector API code, vectors are boxed objects: warm up until a window
        // of steps allocates nothing (or give up after a while and let the assertion show the figures)
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        while (allocated(step, FEW) > BOUND && System.nanoTime() < deadline) {
            for (int i = 0; i < WARM_UP; i++) step.run();
        }
        // a late recompilation can still box vectors once; an allocation made by every step shows in
        // every attempt (at least 16 bytes an object: 800 over the longer window)
        String figures = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long few = allocated(step, FEW), many = allocated(step, MANY);
            figures = what + " on " + Kernels.get().name() + ": " + few + " bytes over " + FEW + " steps, " + many + " over " + MANY;
            if (few <= BOUND && many <= BOUND) {
                System.out.println(figures);
                return;
            }
        }
        fail(figures + " (bound " + BOUND + ", " + ATTEMPTS + " attempts); allocated at:" + whereAllocated(step));
    }

    /**
     * The commonest stacks of the objects {@code step} allocates, from a flight recording of 100 steps:
     * what failed can change with the JVM's compiled state (a Vector API operation C2 leaves to its Java
     * fallback allocates), so the failing run itself says where.
     */
    private static String whereAllocated(Runnable step) {
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "100000/s");
            recording.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
            recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            recording.start();
            for (int i = 0; i < 100; i++) step.run();
            recording.stop();
            Path file = Files.createTempFile("striate-allocations", ".jfr");
            try {
                recording.dump(file);
                Map<String, Integer> stacks = new HashMap<>();
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getStackTrace() == null) continue;
                    StringBuilder b = new StringBuilder(e.getClass("objectClass").getName());
                    e.getStackTrace().getFrames().stream().limit(8).forEach(f ->
                            b.append(" < ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName()).append(':').append(f.getLineNumber()));
                    stacks.merge(b.toString(), 1, Integer::sum);
                }
                StringBuilder out = new StringBuilder();
                stacks.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                        .forEach(en -> out.append("\n  ").append(en.getValue()).append(" samples: ").append(en.getKey()));
                return out.length() == 0 ? " (no samples)" : out.toString();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            return " (no recording: " + e + ")";
        }
    }

    /** Bytes allocated by this thread and the pool's workers while {@code step} runs {@code times} times. */
    private static long allocated(Runnable step, int times) {
        long bytes = AllocationMeter.total(step, times);
        assertTrue(bytes >= 0, "this JVM cannot count allocated bytes");
        return bytes;
    }
}
