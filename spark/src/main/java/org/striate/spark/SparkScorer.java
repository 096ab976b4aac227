package org.striate.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.BatchLoader;
import org.striate.train.SoftmaxCrossEntropy;

/**
 * Scores a DataFrame of images with a Striate model on every executor. The model travels once: its
 * model-file bytes are broadcast, and each executor decodes a copy per task slot and keeps it for
 * later partitions. Each task scores its partition in mini-batches, in eval mode, with the model's
 * normalisation, exactly as {@code striate eval} does: the predicted class is the largest output
 * (the first on ties) and the probabilities are its softmax.
 *
 * <pre>{@code
 * try (SparkScorer scorer = SparkScorer.of(spark, model).allProbabilities(true)) {
 *     Dataset<Row> scored = scorer.score(ImageFrames.load(spark, dir, "test", null));
 *     SparkScorer.write(scored, "out/scores", "parquet");
 * }
 * }</pre>
 *
 * The output keeps every input column but the image column and adds {@code prediction} (int),
 * {@code class} (its name), {@code probability} (float) and, on request, {@code probabilities}
 * (array of floats, one per class). Image-folder trees go through Spark's binary-file source and are
 * decoded on the executors: {@link #scoreImageFolder(String)}.
 */
public final class SparkScorer implements AutoCloseable {
    public static final String PREDICTION = "prediction", CLASS = "class", PROBABILITY = "probability", PROBABILITIES = "probabilities";
    public static final int DEFAULT_BATCH = 256;

    private final SparkSession spark;
    private final Broadcast<byte[]> model;
    private final int[] inputShape;
    private final int outputs;
    private final String[] classNames;
    private int batchSize = DEFAULT_BATCH;
    private String imageColumn = ImageFrames.IMAGE;
    private boolean allProbabilities;
    private int kernelThreads;

    private SparkScorer(SparkSession spark, Graph model) {
        this.spark = spark;
        this.inputShape = model.inputShape();
        this.outputs = Shapes.size(model.outputShape());
        if (outputs < 2) {
            throw new SparkInputException("The model has " + outputs + " output per sample. Expected a classifier with one output per class (at least 2).");
        }
        String[] names = model.classNames();
        this.classNames = new String[outputs];
        for (int c = 0; c < outputs; c++) classNames[c] = c < names.length ? names[c] : Integer.toString(c);
        this.kernelThreads = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        this.model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ModelFile.toBytes(model));
    }

    /** A scorer of {@code model} (its weights as they are now, broadcast at once). */
    public static SparkScorer of(SparkSession spark, Graph model) { return new SparkScorer(spark, model); }

    /** Images per forward pass in a task (default {@value #DEFAULT_BATCH}). */
    public SparkScorer batchSize(int b) {
        if (b <= 0) throw new SparkInputException("Invalid value for argument `batch_size`. Expected a strictly positive value. Received batch_size=" + b + ".");
        batchSize = b;
        return this;
    }

    /** The column of float arrays holding the images (default {@code image}). */
    public SparkScorer imageColumn(String column) { imageColumn = column; return this; }

    /** Also output every class probability, as an array column {@code probabilities}. */
    public SparkScorer allProbabilities(boolean all) { allProbabilities = all; return this; }

    /** Kernel threads per task (default {@code spark.task.cpus}; 0 leaves the executors' kernels alone): see {@link ExecutorKernels}. */
    public SparkScorer kernelThreads(int t) {
        if (t < 0) throw new SparkInputException("Invalid value for argument `kernel_threads`. Expected 0 (leave as is) or more. Received kernel_threads=" + t + ".");
        kernelThreads = t;
        return this;
    }

    /** The scored rows, computed lazily by Spark when an action or a write asks for them. */
    public Dataset<Row> score(Dataset<Row> images) {
        StructType in = images.schema();
        int imageAt = ImageFrames.floatArrayColumn(in, imageColumn);
        List<StructField> kept = new ArrayList<>();
        for (int i = 0; i < in.fields().length; i++) if (i != imageAt) kept.add(in.fields()[i]);
        return score(images, new InputRows.FloatArrays(imageAt, in.fields().length), kept);
    }

    /**
     * Scores the image files of an image-folder tree ({@code DIR/<class>/<image>.png|jpg…}, any depth),
     * listed by Spark's binary-file source and decoded on the executors: see {@link ImageFiles}. The
     * output has {@code path}, {@code folder} (the folder holding the file), {@code label} (that
     * folder's class index in the model, null when it names none of the model's classes) and the scores.
     */
    public Dataset<Row> scoreImageFolder(String dir) { return scoreImageFiles(ImageFiles.read(spark, dir)); }

    /** The same for rows of Spark's binary-file source read by the caller (other options, several folders): {@code path} and {@code content} are read. */
    public Dataset<Row> scoreImageFiles(Dataset<Row> files) {
        return score(ImageFiles.packed(files, batchSize), ImageFiles.rows(files.schema(), inputShape, classNames), ImageFiles.keptFields());
    }

    private Dataset<Row> score(Dataset<Row> input, InputRows reader, List<StructField> kept) {
        List<StructField> fields = new ArrayList<>(kept);
        for (String name : new String[] {PREDICTION, CLASS, PROBABILITY, PROBABILITIES}) {
            if (fields.stream().anyMatch(f -> f.name().equals(name))) {
                throw new SparkInputException("The DataFrame already has a column '" + name + "', which scoring adds. Expected it renamed or dropped first.");
            }
        }
        fields.add(DataTypes.createStructField(PREDICTION, DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField(CLASS, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, false));
        if (allProbabilities) fields.add(DataTypes.createStructField(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false));
        JavaRDD<Row> rows = input.javaRDD().mapPartitions(
                new ScorePartition(model, reader, inputShape, outputs, classNames, batchSize, allProbabilities, kernelThreads));
        return spark.createDataFrame(rows, DataTypes.createStructType(fields));
    }

    /**
     * Writes scored rows as Parquet or CSV (with a header; CSV has no arrays, so {@code probabilities}
     * becomes one column per class, {@code p_0} …). Fails when {@code path} exists.
     */
    public static void write(Dataset<Row> scored, String path, String format) {
        switch (format) {
            case "parquet" -> scored.write().mode(SaveMode.ErrorIfExists).parquet(path);
            case "csv" -> {
                Dataset<Row> flat = scored;
                if (scored.schema().getFieldIndex(PROBABILITIES).isDefined()) {
                    int k = scored.select(functions.size(functions.col(PROBABILITIES))).first().getInt(0);
                    List<Column> cols = new ArrayList<>();
                    for (String f : scored.schema().fieldNames()) if (!f.equals(PROBABILITIES)) cols.add(functions.col(f));
                    for (int c = 0; c < k; c++) cols.add(functions.col(PROBABILITIES).getItem(c).alias("p_" + c));
                    flat = scored.select(cols.toArray(Column[]::new));
                }
                flat.write().mode(SaveMode.ErrorIfExists).option("header", "true").csv(path);
            }
            default -> throw new SparkInputException("Invalid output format '" + format + "'. Expected parquet or csv.");
        }
    }

    /** Removes the model's broadcast from the executors. */
    @Override
    public void close() { model.destroy(); }

    /** Runs on the executors: one partition, batch by batch, as its rows are asked for. */
    private static final class ScorePartition implements FlatMapFunction<Iterator<Row>, Row>, Serializable {
        private final Broadcast<byte[]> model;
        private final InputRows reader;
        private final int outputs, batchSize;
        private final int[] inputShape;
        private final String[] classNames;
        private final boolean all;
        private final int kernelThreads;

        ScorePartition(Broadcast<byte[]> model, InputRows reader, int[] inputShape, int outputs, String[] classNames, int batchSize, boolean all,
                       int kernelThreads) {
            this.model = model;
            this.reader = reader;
            this.inputShape = inputShape;
            this.outputs = outputs;
            this.classNames = classNames;
            this.batchSize = batchSize;
            this.all = all;
            this.kernelThreads = kernelThreads;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            ExecutorKernels.use(kernelThreads);
            return new Iterator<>() {
                private final int size = Shapes.size(inputShape);
                private final float[] images = new float[batchSize * size];
                private final Row[] inputs = new Row[batchSize];
                private final List<Row> ready = new ArrayList<>(batchSize);
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < ready.size()) return true;
                    ready.clear();
                    next = 0;
                    int n = 0;
                    while (n < batchSize && rows.hasNext()) {
                        Row r = rows.next();
                        reader.image(r, images, n * size, size);
                        inputs[n++] = r;
                    }
                    if (n > 0) scoreBatch(n);
                    return n > 0;
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return ready.get(next++);
                }

                private void scoreBatch(int n) {
                    Graph m = ExecutorModels.borrow(model);
                    try {
                        BatchLoader loader = new BatchLoader(Tensor.of(images, Shapes.withBatch(n, inputShape)), null, n, m.mean(), m.std());
                        Tensor logits = m.forward(loader.load(0), false);
                        SoftmaxCrossEntropy softmax = new SoftmaxCrossEntropy();
                        float[] p = new float[outputs];
                        for (int i = 0; i < n; i++) {
                            SoftmaxCrossEntropy.softmax(logits.data, i * outputs, outputs, p, 0);
                            int best = softmax.predictedClass(logits.data, i * outputs, outputs);
                            ready.add(output(inputs[i], best, p));
                            inputs[i] = null;
                        }
                    } finally {
                        ExecutorModels.giveBack(model, m);
                    }
                }
            };
        }

        private Row output(Row in, int best, float[] p) {
            Object[] kept = reader.kept(in);
            Object[] values = java.util.Arrays.copyOf(kept, kept.length + (all ? 4 : 3));
            int j = kept.length;
            values[j++] = best;
            values[j++] = classNames[best];
            values[j++] = p[best];
            if (all) values[j] = p.clone();
            return RowFactory.create(values);
        }
    }
}
