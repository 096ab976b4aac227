package org.striate.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.striate.StriateException;
import org.striate.data.DataDirectory;
import org.striate.data.Dataset;
import org.striate.data.MnistFiles;
import org.striate.data.Normalization;
import org.striate.data.Resize;
import org.striate.data.TrainTestSplit;
import org.striate.io.ModelFile;
import org.striate.kernels.Kernels;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.train.Adam;

/**
 * The example job: {@code train} a model on k Spark workers, save it and score the test set with it,
 * or {@code score} the test set with a saved model. Runs on {@code --master local[2]} unless told
 * otherwise (or unless spark-submit gives a master).
 *
 * <pre>
 * spark/job train --model fashion-cnn --workers 2 --epochs 1
 * spark/job score --model models/spark-fashion-cnn.striate --score-out runs/scores --format csv
 * </pre>
 */
public final class SparkJob {
    private static final Set<String> OPTIONS = Set.of("--master", "--data", "--model", "--workers", "--epochs", "--batch", "--lr", "--seed",
            "--limit", "--out", "--checkpoint-dir", "--resume", "--score-out", "--format", "--fail-once", "--exchange", "--score-batch", "--freeze");
    private static final String USAGE = """
            usage: spark/job train|score [options]
              --master URL          Spark master (default local[2], or the one spark-submit gives)
              --data DIR            IDX, CIFAR-10, train/ and test/ image folders (default /usr/share/datasets/fashion-mnist);
                                    score also takes one folder per class (DIR/<class>/<image>.png|jpg, any depth),
                                    read through Spark's binary-file source (train/ and test/: test/ is scored that way)
              --model M             built-in name, spec file or model file (train: default fashion-cnn; score: a model file)
              --workers K           training tasks in the barrier stage (default 2)
              --epochs E --batch B --lr X --seed S --limit N   as striate train (B is the global batch, split over K)
              --out FILE            where train saves the model (default models/spark-<model>.striate)
              --checkpoint-dir DIR  checkpoint after each epoch (default runs/spark-checkpoint); --resume continues from it
              --score-out DIR --format parquet|csv   write the scored test set there
              --freeze NAME[,NAME...]  keep these layers' weights (and a BatchNorm's statistics) as they are, as striate train --freeze
              --fail-once E:S:R     make worker R fail once before step S of epoch E (shows the stage retry)
              --exchange peers|barrier   gradient exchange (default peers)
            """;

    private final Map<String, String> opts;
    private final PrintStream out;

    private SparkJob(Map<String, String> opts, PrintStream out) {
        this.opts = opts;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(args, System.out));
        } catch (StriateException e) {
            System.err.println("spark job: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            // a task's failure reaches the driver as Spark's SparkException (checked, thrown undeclared by Scala code)
            // wrapping what the task threw, with both stack traces in its message: a bad file gets one line
            // and the exit code of bad input, as on the driver
            if (!causedByStriate(e)) throw e;
            System.err.println("spark job: " + failureLine(e));
            System.exit(2);
        }
    }

    private static boolean causedByStriate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof StriateException) return true;
        return false;
    }

    /**
     * One line for a failed job: the message of the library's exception a task threw (a bad file, a wrong
     * shape) when Spark passed it on as a cause, else the first line of Spark's own message.
     */
    static String failureLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StriateException && t.getMessage() != null) return t.getMessage().lines().findFirst().orElse("");
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(e.toString());
    }

    /** Runs the job; returns the exit code (0 done, 2 bad usage). */
    static int run(String[] args, PrintStream out) throws StriateException {
        if (args.length == 0 || !(args[0].equals("train") || args[0].equals("score"))) {
            System.err.print(USAGE);
            return 2;
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!OPTIONS.contains(args[i])) throw new SparkInputException("Unknown option '" + args[i] + "'. Expected one of " + String.join(", ", OPTIONS.stream().sorted().toList()) + ".");
            if (args[i].equals("--resume")) { opts.put("--resume", "true"); continue; }
            if (i + 1 >= args.length) throw new SparkInputException("Option " + args[i] + " needs a value.");
            opts.put(args[i], args[++i]);
        }
        SparkJob job = new SparkJob(opts, out);
        SparkSession.Builder b = SparkSession.builder().appName("striate " + args[0]).config("spark.ui.showConsoleProgress", "false");
        String master = opts.getOrDefault("--master", System.getProperty("spark.master", "local[2]"));
        SparkSession spark = b.master(master).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            if (args[0].equals("train")) job.train(spark); else job.score(spark, null);
            return 0;
        } catch (IOException e) {
            throw new StriateException("Reading or writing failed: " + e.getMessage() + ". Expected readable data and a writable output path.", e);
        } finally {
            spark.stop();
        }
    }

    private void train(SparkSession spark) throws IOException {
        String ref = opts.getOrDefault("--model", "fashion-cnn");
        long seed = number("--seed", 42);
        Dataset all = data(shapeOf(ref)).train();
        Dataset train = opts.containsKey("--limit") ? all.head((int) number("--limit", 0)) : all;
        Graph model = model(ref, train.sampleShape(), seed);
        if (!isModelFile(ref)) {
            Normalization.ChannelStats s = Normalization.perChannel(train);
            model.normalization(s.mean(), s.std()).classNames(train.classNames());
        }
        freeze(model);
        int k = (int) number("--workers", 2);
        double lr = Double.parseDouble(opts.getOrDefault("--lr", "0.001"));
        int[] fail = failOnce();
        SparkTrainer trainer = new SparkTrainer().workers(k).epochs((int) number("--epochs", 1)).batchSize((int) number("--batch", 64))
                .seed(seed).optimizer(() -> new Adam(lr)).checkpointDir(Path.of(opts.getOrDefault("--checkpoint-dir", "runs/spark-checkpoint")))
                .resume(opts.containsKey("--resume")).exchange(SparkTrainer.Exchange.valueOf(opts.getOrDefault("--exchange", "peers").toUpperCase(Locale.ROOT)));
        if (fail != null) trainer.failOnce(fail[0], fail[1], fail[2]);
        int epochs = (int) number("--epochs", 1);
        int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        out.printf(Locale.ROOT, "training %s (%,d parameters) on %s: %d worker%s, global batch %s, %,d images, %s kernels with %d thread%s per task%n",
                ref, model.paramCount(), spark.sparkContext().master(), k, k == 1 ? "" : "s", opts.getOrDefault("--batch", "64"), train.size(),
                Kernels.get().name().split(" ")[0], taskCpus, taskCpus == 1 ? "" : "s");
        trainer.listener(r -> {
            double other = r.stats().seconds() - r.computeSeconds() - r.allReduceSeconds() - r.optimizerSeconds();
            out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  train accuracy %.4f  %.1f s  %.0f img/s  (compute %.1f s, all-reduce %.1f s, "
                            + "optimizer %.1f s, scheduling and start-up %.1f s)%s  replicas identical: %s%n",
                    r.stats().epoch(), epochs, r.stats().trainLoss(), r.stats().trainAccuracy(), r.stats().seconds(),
                    train.size() / r.stats().seconds(), r.computeSeconds(), r.allReduceSeconds(),
                    r.optimizerSeconds(), other, r.stageAttempts() > 1 ? "  stage attempts " + r.stageAttempts() : "",
                    r.replicaHashes().get(0).substring(0, 12) + " x" + r.replicaHashes().size());
        });
        SparkTrainer.Result result = trainer.fit(spark, model, train);
        Path file = Path.of(opts.getOrDefault("--out", "models/spark-" + Path.of(ref).getFileName().toString().replaceAll("\\.(spec|striate)$", "") + ".striate"));
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        ModelFile.save(result.model(), file);
        out.println("saved " + file);
        score(spark, result.model());
    }

    /** --freeze: the names 'striate summary' prints; all unknown ones are named at once. */
    private void freeze(Graph model) {
        String list = opts.get("--freeze");
        if (list == null) return;
        List<String> names = model.layers().stream().map(Layer::name).toList();
        List<String> unknown = new ArrayList<>();
        for (String name : list.split(",")) {
            String n = name.trim();
            if (names.contains(n)) model.layers().get(names.indexOf(n)).trainable(false); else unknown.add(n);
        }
        if (!unknown.isEmpty()) {
            throw new SparkInputException("--freeze names " + String.join(", ", unknown) + ", which the model does not have. Expected names of its layers: "
                    + String.join(", ", names) + ".");
        }
    }

    private void score(SparkSession spark, Graph trained) throws IOException {
        Graph model = trained;
        if (model == null) {
            String ref = opts.get("--model");
            if (ref == null || !isModelFile(ref)) throw new SparkInputException("score needs --model FILE, a model file written by train or striate train.");
            model = ModelFile.load(Path.of(ref));
        }
        Path folders = imageFolderTree();
        try (SparkScorer scorer = SparkScorer.of(spark, model).allProbabilities(true).batchSize((int) number("--score-batch", SparkScorer.DEFAULT_BATCH))) {
            if (folders != null) {
                // the files are listed here and read and decoded by the executors
                report(spark, scorer.scoreImageFolder(folders.toString()), "images of " + folders, ImageFiles.PATH);
                return;
            }
            org.apache.spark.sql.Dataset<Row> frame = ImageFrames.of(spark, data(model.inputShape()).test()).cache();
            frame.count();
            try {
                report(spark, scorer.score(frame), "test images", ImageFrames.INDEX);
            } finally {
                frame.unpersist();
            }
        }
    }

    /** Counts and times the scoring, prints its line with the accuracy over the rows that have a label, and writes the scores when asked. */
    private void report(SparkSession spark, org.apache.spark.sql.Dataset<Row> scoring, String what, String orderBy) {
        long start = System.nanoTime();
        org.apache.spark.sql.Dataset<Row> scored = scoring.cache();
        long n = scored.count();
        long labelled = scored.filter(functions.col(ImageFrames.LABEL).isNotNull()).count();
        long correct = scored.filter(functions.col(ImageFrames.LABEL).equalTo(functions.col(SparkScorer.PREDICTION))).count();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (n == 0) throw new SparkInputException("No " + what + " to score. Expected image files ending in " + ImageFiles.extensions() + ".");
        String accuracy = labelled == 0 ? "no accuracy (no folder is named after one of the model's classes)"
                : String.format(Locale.ROOT, "accuracy %.4f (%d of %d%s)", (double) correct / labelled, correct, labelled,
                        labelled < n ? " in folders named after the model's classes" : "");
        out.printf(Locale.ROOT, "scored %,d %s in %.1f s (%.0f img/s) on %s: %s%n", n, what, seconds, n / seconds, spark.sparkContext().master(), accuracy);
        String dir = opts.get("--score-out");
        if (dir != null) {
            String format = opts.getOrDefault("--format", "parquet");
            SparkScorer.write(scored.orderBy(orderBy), dir, format);
            out.println("wrote " + dir + " (" + format + ")");
        }
        scored.unpersist();
    }

    /**
     * The folder to score through Spark's binary-file source when --data is an image-folder tree: its
     * test/ when it holds train/ and test/, else the tree itself (one sub-folder per class); null for
     * IDX and CIFAR-10 files, which the driver reads.
     */
    private Path imageFolderTree() throws IOException {
        Path dir = dataDir();
        if (!Files.isDirectory(dir)) return null;
        try {
            return DataDirectory.detect(dir) == DataDirectory.Layout.IMAGE_FOLDERS ? dir.resolve("test") : null;
        } catch (org.striate.data.DataFormatException e) {
            return dir; // no two-part layout: a tree of class folders
        }
    }

    private TrainTestSplit data(int[] shape) throws IOException {
        return DataDirectory.load(dataDir(), shape, Resize.AREA);
    }

    private Path dataDir() { return Path.of(opts.getOrDefault("--data", MnistFiles.FASHION_MNIST_SYSTEM_DIR.toString())); }

    /** The input shape a model reference states (for image folders), or the built-in default. */
    private static int[] shapeOf(String ref) throws IOException {
        if (Zoo.has(ref)) return Zoo.defaultInput();
        return model(ref, Zoo.defaultInput(), 0).inputShape();
    }

    private static Graph model(String ref, int[] dataShape, long seed) throws IOException {
        if (Zoo.has(ref)) return Zoo.build(ref, dataShape, seed);
        Path p = Path.of(ref);
        if (!Files.isRegularFile(p)) {
            throw new SparkInputException("Unknown model '" + ref + "'. Expected one of " + String.join(", ", Zoo.names()) + ", or a spec file or model file.");
        }
        if (isModelFile(ref)) return ModelFile.load(p);
        return LayerSpecs.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString(), dataShape).build(seed);
    }

    private static boolean isModelFile(String ref) throws IOException {
        Path p = Path.of(ref);
        if (!Files.isRegularFile(p)) return false;
        try (var in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(5);
            return head.length == 5 && (head[0] & 0xff) == 0x89 && head[1] == 'S' && head[2] == 'T' && head[3] == 'R' && head[4] == 'M';
        }
    }

    private long number(String option, long fallback) {
        String v = opts.get(option);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new SparkInputException("Invalid value for " + option + ": '" + v + "'. Expected an integer.");
        }
    }

    private int[] failOnce() {
        String v = opts.get("--fail-once");
        if (v == null) return null;
        List<String> parts = List.of(v.split(":"));
        try {
            if (parts.size() == 3) return new int[] {Integer.parseInt(parts.get(0)), Integer.parseInt(parts.get(1)), Integer.parseInt(parts.get(2))};
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new SparkInputException("Invalid value for --fail-once: '" + v + "'. Expected EPOCH:STEP:RANK, e.g. 1:100:1.");
    }
}
