package org.striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Dataset;
import org.striate.data.MnistFiles;
import org.striate.data.Normalization;
import org.striate.data.TrainTestSplit;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

class SparkScorerTest {
    private static final String SMALL_CNN = "input 1x28x28\nconv 8 3x3 pad=same\nrelu\nmaxpool 2\nconv 16 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense 10\n";

    @Test
    void scoringTheFashionMnistTestSetGivesTheLibrarysOwnPredictions() throws Exception {
        Path dir = MnistFiles.FASHION_MNIST_SYSTEM_DIR;
        assumeTrue(Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        TrainTestSplit data = MnistFiles.load(dir);
        Graph model = LayerSpecs.parse(SMALL_CNN, "test model", null).build(7);
        Normalization.ChannelStats s = Normalization.perChannel(data.train());
        model.normalization(s.mean(), s.std()).classNames(data.train().classNames());
        new Trainer(model, TrainOptions.builder().epochs(1).batchSize(64).optimizer(new Adam(2e-3)).build()).fit(data.train().head(2000));

        Evaluation eval = Evaluator.evaluate(model, data.test());
        Tensor probabilities = Evaluator.predict(model, data.test().images());
        SparkSession spark = SparkTests.spark();
        int before = ExecutorModels.decoded();
        List<Row> rows;
        try (SparkScorer scorer = SparkScorer.of(spark, model).allProbabilities(true)) {
            rows = scorer.score(ImageFrames.of(spark, data.test()).repartition(8)).orderBy(ImageFrames.INDEX).collectAsList();
        }
        assertTrue(ExecutorModels.decoded() - before <= 2, "8 partitions on 2 task slots decoded " + (ExecutorModels.decoded() - before) + " models");

        assertEquals(10_000, rows.size());
        int k = 10;
        int[][] confusion = new int[k][k];
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(i, r.getLong(r.fieldIndex(ImageFrames.INDEX)));
            int label = r.getInt(r.fieldIndex(ImageFrames.LABEL)), p = r.getInt(r.fieldIndex(SparkScorer.PREDICTION));
            confusion[label][p]++;
            if (p == label) correct++;
            List<Float> all = r.getList(r.fieldIndex(SparkScorer.PROBABILITIES));
            float[] got = new float[k];
            for (int c = 0; c < k; c++) got[c] = all.get(c);
            assertArrayEquals(Arrays.copyOfRange(probabilities.data, i * k, i * k + k), got, SparkTests.SAME_PROBABILITY, "sample " + i);
            assertEquals(got[p], r.getFloat(r.fieldIndex(SparkScorer.PROBABILITY)));
            assertEquals(data.test().classNames()[p], r.getString(r.fieldIndex(SparkScorer.CLASS)));
        }
        assertTrue(eval.accuracy() > 0.6, "the model learned: " + eval.accuracy());
        assertEquals(eval.accuracy(), (double) correct / rows.size());
        assertArrayEquals(eval.confusion(), confusion);
    }

    @Test
    void writesParquetAndCsvWithOneColumnPerClass(@TempDir Path tmp) {
        SparkSession spark = SparkTests.spark();
        Dataset data = SparkTests.blocks(50, 3, 1);
        Graph model = LayerSpecs.parse("input 1x12x12\nflatten\ndense 3\n", "test", null).build(1);
        try (SparkScorer scorer = SparkScorer.of(spark, model).allProbabilities(true).batchSize(7)) {
            org.apache.spark.sql.Dataset<Row> scored = scorer.score(ImageFrames.of(spark, data));
            SparkScorer.write(scored, tmp.resolve("p").toString(), "parquet");
            SparkScorer.write(scored, tmp.resolve("c").toString(), "csv");
            assertThrows(Exception.class, () -> SparkScorer.write(scored, tmp.resolve("p").toString(), "parquet"));
        }
        org.apache.spark.sql.Dataset<Row> parquet = spark.read().parquet(tmp.resolve("p").toString());
        assertEquals(50, parquet.count());
        assertEquals(List.of("index", "label", "prediction", "class", "probability", "probabilities"), List.of(parquet.schema().fieldNames()));
        org.apache.spark.sql.Dataset<Row> csv = spark.read().option("header", "true").csv(tmp.resolve("c").toString());
        assertEquals(50, csv.count());
        assertEquals(List.of("index", "label", "prediction", "class", "probability", "p_0", "p_1", "p_2"), List.of(csv.schema().fieldNames()));
    }

    @Test
    void badFramesAndOptionsAreRefusedWithWhatToChange() {
        SparkSession spark = SparkTests.spark();
        Dataset data = SparkTests.blocks(4, 2, 1);
        Graph model = LayerSpecs.parse("input 1x12x12\nflatten\ndense 2\n", "test", null).build(1);
        org.apache.spark.sql.Dataset<Row> frame = ImageFrames.of(spark, data);
        try (SparkScorer scorer = SparkScorer.of(spark, model)) {
            assertMessage(assertThrows(SparkInputException.class, () -> scorer.imageColumn("pixels").score(frame)), "no column 'pixels'", "image");
            assertMessage(assertThrows(SparkInputException.class, () -> scorer.imageColumn("label").score(frame)), "holds int", "array<float>");
            assertMessage(assertThrows(SparkInputException.class, () -> scorer.batchSize(0)), "batch_size=0");
            assertMessage(assertThrows(SparkInputException.class, () -> SparkScorer.write(frame, "x", "json")), "'json'", "parquet or csv");
            Graph other = LayerSpecs.parse("input 1x10x10\nflatten\ndense 2\n", "test", null).build(1);
            try (SparkScorer wrongShape = SparkScorer.of(spark, other)) {
                Exception e = assertThrows(Exception.class, () -> wrongShape.score(frame).collectAsList());
                assertMessage(rootCause(e), "144 values", "takes 100");
            }
        }
        Graph one = LayerSpecs.parse("input 1x12x12\nflatten\ndense 1\n", "test", null).build(1);
        assertMessage(assertThrows(SparkInputException.class, () -> SparkScorer.of(spark, one)), "1 output", "one output per class");
    }

    static Throwable rootCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof SparkInputException) return t;
        return e;
    }

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage() != null && e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
}
