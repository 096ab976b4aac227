package org.striate.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.train.Adam;
import org.striate.train.EpochStats;
import org.striate.train.Optimizer;
import org.striate.train.TrainingDivergedException;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on k Spark tasks that run together in a barrier stage. Sample i
 * of the data lives on worker i mod k for the whole run; every global batch of B samples is k slices
 * of B/k, one per worker, each from its own shard in an order drawn from (seed, rank, epoch). Per step
 * each worker computes its slice's gradient, the k gradients are all-gathered and summed in rank
 * order, and every replica takes the same optimizer step, so all replicas stay bit-identical (the
 * driver checks their hashes after every epoch). With k = 1 this is {@code Trainer.fit}, step for step.
 * Layers the model has frozen ({@code Layer.trainable(false)}) stay frozen on every worker, as in
 * {@code Trainer}: their weights and a frozen BatchNorm's statistics end bit-identical.
 *
 * <p>Each epoch is one Spark job. The driver broadcasts the checkpoint (model file bytes and optimizer
 * state) the epoch starts from, and keeps (and writes, given {@link #checkpointDir}) the one rank 0
 * returns. A failed task fails the barrier stage; Spark runs the stage again, which starts the epoch
 * over from the same checkpoint and so ends with the same weights.
 *
 * <pre>{@code
 * SparkTrainer.Result r = new SparkTrainer().workers(2).epochs(3).batchSize(64)
 *         .optimizer(() -> new Adam(1e-3)).checkpointDir(Path.of("runs/ckpt"))
 *         .fit(spark, model, data);
 * }</pre>
 */
public final class SparkTrainer {
    /** Makes the optimizer on each worker; a lambda such as {@code () -> new Adam(1e-3)} will do. */
    public interface OptimizerFactory extends Supplier<Optimizer>, Serializable {}

    /** How the workers exchange gradients each step. */
    public enum Exchange {
        /** Direct TCP connections between the tasks, set up once per epoch through the barrier ({@link PeerMesh}). */
        PEERS,
        /** {@code BarrierTaskContext.allGather} every step: through the driver, Base64 text, about a second per call. */
        BARRIER
    }

    /** One epoch's figures and where its time went (the workers' times are means over the ranks). */
    public record EpochReport(EpochStats stats, int stageAttempts, double computeSeconds, double allReduceSeconds,
                              double optimizerSeconds, List<String> replicaHashes) {}

    /** The trained model (from the last checkpoint) and one report per epoch run. */
    public record Result(Graph model, List<EpochReport> epochs) {}

    private int workers = 2, epochs = 1, batchSize = 64;
    private long seed = 42;
    private OptimizerFactory optimizer = () -> new Adam(1e-3);
    private Path checkpointDir;
    private boolean resume;
    private int[] failOnce;
    private Exchange exchange = Exchange.PEERS;
    private int kernelThreads = -1;
    private Consumer<EpochReport> listener = r -> {};

    /** k: tasks in the barrier stage, one replica each; the cluster needs k free task slots at once. */
    public SparkTrainer workers(int k) { workers = positive("workers", k); return this; }
    public SparkTrainer epochs(int e) { epochs = positive("epochs", e); return this; }
    /** The global batch B, split into k slices of B/k. */
    public SparkTrainer batchSize(int b) { batchSize = positive("batch_size", b); return this; }
    public SparkTrainer seed(long s) { seed = s; return this; }
    public SparkTrainer optimizer(OptimizerFactory f) { optimizer = f; return this; }
    /** Where the driver writes {@link Checkpoint#FILE} after each epoch. */
    public SparkTrainer checkpointDir(Path dir) { checkpointDir = dir; return this; }
    /** Start from the checkpoint in {@link #checkpointDir} when there is one (a driver restarted after a crash). */
    public SparkTrainer resume(boolean r) { resume = r; return this; }
    public SparkTrainer exchange(Exchange e) { exchange = e; return this; }
    /** Kernel threads per task (default {@code spark.task.cpus}; 0 leaves the executors' kernels alone): see {@link ExecutorKernels}. */
    public SparkTrainer kernelThreads(int t) {
        if (t < 0) throw new SparkInputException("Invalid value for argument `kernel_threads`. Expected 0 (leave as is) or more. Received kernel_threads=" + t + ".");
        kernelThreads = t;
        return this;
    }
    public SparkTrainer listener(Consumer<EpochReport> l) { listener = l; return this; }

    /**
     * Makes the task of {@code rank} throw before {@code step} of {@code epoch} (both from 1) on the
     * stage's first attempt only: a way to watch Spark retry the stage and the run end as if nothing happened.
     */
    public SparkTrainer failOnce(int epoch, int step, int rank) {
        failOnce = new int[] {positive("epoch", epoch) - 1, positive("step", step) - 1, rank};
        return this;
    }

    private static int positive(String name, int v) {
        if (v <= 0) throw new SparkInputException("Invalid value for argument `" + name + "`. Expected a strictly positive value. Received " + name + "=" + v + ".");
        return v;
    }

    /** Trains on an in-memory data set (its order decides the shards). */
    public Result fit(SparkSession spark, Graph model, Dataset data) throws IOException {
        return fit(spark, model, ImageFrames.of(spark, data));
    }

    /**
     * Trains {@code model} (not changed; the result holds the trained copy) on rows with an int
     * column {@code label} and a float-array column {@code image} ({@link ImageFrames}).
     */
    public Result fit(SparkSession spark, Graph model, org.apache.spark.sql.Dataset<Row> rows) throws IOException {
        int k = workers;
        if (batchSize % k != 0) {
            throw new SparkInputException("The batch of " + batchSize + " cannot be split into " + k + " equal slices. Expected a batch size that is a multiple of the workers.");
        }
        checkSlots(spark, k);
        int labelAt = ImageFrames.intColumn(rows.schema(), ImageFrames.LABEL), imageAt = ImageFrames.floatArrayColumn(rows.schema(), ImageFrames.IMAGE);
        int classes = Shapes.size(model.outputShape());
        String[] names = model.classNames().length == classes ? model.classNames() : numbered(classes);
        JavaRDD<Shard> shards = shards(rows, k, labelAt, imageAt, model.inputShape(), names).persist(StorageLevel.MEMORY_ONLY());
        try {
            int total = shards.map(Shard::size).reduce(Integer::sum);
            if (total == 0) throw new SparkInputException("Cannot train on an empty DataFrame. Expected at least one row.");
            if (model.trainableRanges().length == 0 && model.paramCount() > 0) {
                throw new SparkInputException("Every layer with parameters is frozen, so training would change nothing. Expected at least one "
                        + "trainable layer: freeze fewer layers.");
            }
            Checkpoint state = resume && checkpointDir != null ? Checkpoint.load(checkpointDir) : null;
            if (state != null && !state.frozen().equals(model.frozenLayerNames())) {
                throw new SparkInputException("The checkpoint in " + checkpointDir + " was written with frozen layers " + describe(state.frozen())
                        + ", but this run freezes " + describe(model.frozenLayerNames()) + ". Expected the same layers frozen as the run it resumes.");
            }
            if (state == null) state = Checkpoint.start(model, optimizer.get());
            checkMessageSize(spark, k, model);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ClassTag<EpochResult> tag = ClassTag$.MODULE$.apply(EpochResult.class);
            List<EpochReport> reports = new ArrayList<>();
            int slice = batchSize / k;
            for (int epoch = state.epochsDone(); epoch < epochs; epoch++) {
                long start = System.nanoTime();
                Broadcast<byte[]> from = jsc.broadcast(state.toBytes());
                EpochTask task = new EpochTask(from, optimizer, epoch, k, total, slice, seed, failOnce, exchange,
                        kernelThreads >= 0 ? kernelThreads : spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
                // Spark retries a failed barrier stage only when it ends in a shuffle, so the results cross one
                List<EpochResult> results = new ArrayList<>(new JavaRDD<>(shards.rdd().barrier().mapPartitions(task, false, tag), tag)
                        .repartition(1).collect());
                from.destroy();
                results.sort(Comparator.comparingInt(EpochResult::rank));
                EpochResult first = results.get(0);
                int steps = Replica.steps(total, k, slice);
                double lr = optimizer.get().learningRate();
                if (first.divergedStep() > 0) {
                    throw TrainingDivergedException.loss(epoch + 1, first.divergedStep(), steps, first.lossSum() / Math.max(1, first.samples()), lr);
                }
                List<String> hashes = results.stream().map(EpochResult::hash).toList();
                if (hashes.stream().distinct().count() != 1) {
                    throw new IllegalStateException("The replicas differ after epoch " + (epoch + 1) + ": " + hashes + ". Expected identical weights on every worker.");
                }
                state = new Checkpoint(epoch + 1, first.model(), first.optimizer(), state.frozen());
                if (checkpointDir != null) state.save(checkpointDir);
                double seconds = (System.nanoTime() - start) / 1e9;
                EpochStats stats = new EpochStats(epoch + 1, first.lossSum() / first.samples(), (double) first.correct() / first.samples(),
                        Double.NaN, Double.NaN, lr, seconds);
                EpochReport report = new EpochReport(stats, 1 + results.stream().mapToInt(EpochResult::stageAttempt).max().orElse(0),
                        mean(results, EpochResult::computeSeconds), mean(results, EpochResult::allReduceSeconds),
                        mean(results, EpochResult::optimizerSeconds), hashes);
                reports.add(report);
                listener.accept(report);
            }
            return new Result(state.decodeModelFrozen(), reports);
        } finally {
            shards.unpersist(false);
        }
    }

    private static String describe(List<String> frozen) { return frozen.isEmpty() ? "(none)" : String.join(",", frozen); }

    private static double mean(List<EpochResult> results, java.util.function.ToDoubleFunction<EpochResult> f) {
        return results.stream().mapToDouble(f).average().orElse(0);
    }

    private static String[] numbered(int classes) {
        String[] names = new String[classes];
        for (int c = 0; c < classes; c++) names[c] = Integer.toString(c);
        return names;
    }

    /** A sample on its way to its shard. */
    private record Sample(long index, int label, float[] image) implements Serializable {}

    /** Row i goes to partition i mod k; each partition becomes one shard, its samples in index order. */
    static JavaRDD<Shard> shards(org.apache.spark.sql.Dataset<Row> rows, int k, int labelAt, int imageAt, int[] inputShape, String[] classNames) {
        int size = Shapes.size(inputShape), classes = classNames.length;
        return rows.javaRDD().zipWithIndex().mapToPair(t -> {
            int label = t._1().getInt(labelAt);
            if (label < 0 || label >= classes) {
                throw new SparkInputException("Row " + t._2() + " has label " + label + ". Expected a class index in [0, " + classes + ") for a model with " + classes + " outputs.");
            }
            float[] image = new float[size];
            ImageFrames.copyImage(t._1(), imageAt, image, 0, size);
            return new Tuple2<>((int) (t._2() % k), new Sample(t._2(), label, image));
        }).partitionBy(new HashPartitioner(k)).mapPartitionsWithIndex((rank, it) -> {
            List<Sample> samples = new ArrayList<>();
            it.forEachRemaining(t -> samples.add(t._2()));
            samples.sort(Comparator.comparingLong(Sample::index));
            float[] x = new float[samples.size() * size];
            int[] y = new int[samples.size()];
            for (int j = 0; j < y.length; j++) {
                System.arraycopy(samples.get(j).image(), 0, x, j * size, size);
                y[j] = samples.get(j).label();
            }
            return List.of(new Shard(rank, inputShape, x, y, classNames)).iterator();
        }, true);
    }

    /** On a local master, k tasks must fit its threads; a cluster reports the shortage itself. */
    private static void checkSlots(SparkSession spark, int k) {
        String master = spark.sparkContext().master();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?").matcher(master);
        if (!m.matches()) return;
        int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        if (k > slots) {
            throw new SparkInputException("Training on " + k + " workers needs " + k + " tasks running at once, but the master " + master + " runs "
                    + slots + ". Expected --master local[" + k + "] or more, or fewer workers.");
        }
    }

    /** Every task receives all k messages in one reply, which must fit Spark's largest RPC message. */
    private static void checkMessageSize(SparkSession spark, int k, Graph model) {
        long stateFloats = model.layers().stream().mapToLong(l -> l.state().length).sum();
        long message = (Replica.HEADER + 4L * (model.params().length + stateFloats) + 2) / 3 * 4;
        long limit = spark.sparkContext().getConf().getSizeAsMb("spark.rpc.message.maxSize", "128") << 20;
        if (k * message > limit) {
            throw new SparkInputException("An all-gather of " + k + " gradients of " + model.params().length + " parameters takes " + k * message
                    + " bytes, more than spark.rpc.message.maxSize (" + (limit >> 20) + " MiB). Expected fewer workers or a larger spark.rpc.message.maxSize (at most 2047).");
        }
    }
}
