package org.striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.spark.SparkScorerTest.assertMessage;
import static org.striate.spark.SparkScorerTest.rootCause;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Dataset;
import org.striate.io.ModelFile;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.Optimizer;
import org.striate.train.Sgd;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

class SparkTrainerTest {
    private static final String CNN = "input 1x12x12\nconv 4 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense 4\n";
    private static final String CNN_BN = "input 1x12x12\nconv 4 3x3 pad=same\nbatchnorm\nrelu\nmaxpool 2\nflatten\ndense 4\n";
    private static final String CNN_BN_DROPOUT = "input 1x12x12\nconv 4 3x3 pad=same\nbatchnorm\nrelu\nmaxpool 2\nflatten\ndropout 0.2\ndense 4\n";

    private static Graph model(String spec) { return LayerSpecs.parse(spec, "test model", null).build(3); }

    private static Graph copy(Graph m) { return ModelFile.fromBytes(ModelFile.toBytes(m), "copy"); }

    @Test
    void oneWorkerTrainsExactlyAsFitDoes() throws Exception {
        Dataset data = SparkTests.blocks(200, 4, 11);
        Graph model = model(CNN), local = copy(model);
        SparkTrainer.Result r = new SparkTrainer().workers(1).epochs(2).batchSize(32).seed(5).optimizer(() -> new Adam(3e-3))
                .fit(SparkTests.spark(), model, data);
        new Trainer(local, TrainOptions.builder().epochs(2).batchSize(32).seed(5).optimizer(new Adam(3e-3)).build()).fit(data);
        assertArrayEquals(local.params(), r.model().params());
        assertNotEquals(Replica.hash(model), Replica.hash(r.model()), "training changed the weights");
        assertEquals(2, r.epochs().size());
    }

    @Test
    void twoWorkersEqualOneProcessSummingTheSliceGradientsInRankOrder() throws Exception {
        Dataset data = SparkTests.blocks(203, 4, 12);            // uneven: the last global batches are short and lopsided
        int k = 2, batch = 32, epochs = 2;
        long seed = 9;
        Graph model = model(CNN);
        SparkTrainer.Result r = new SparkTrainer().workers(k).epochs(epochs).batchSize(batch).seed(seed)
                .optimizer(() -> new Sgd(0.05).momentum(0.9)).fit(SparkTests.spark(), model, data);
        for (SparkTrainer.EpochReport e : r.epochs()) {
            assertEquals(k, e.replicaHashes().size());
            assertEquals(1, e.replicaHashes().stream().distinct().count(), "replicas differ: " + e.replicaHashes());
        }

        // the reference: k models in one process, the k slice gradients summed by hand, rank 0 first
        Graph[] replicas = {copy(model), copy(model)};
        Optimizer[] optimizers = {new Sgd(0.05).momentum(0.9), new Sgd(0.05).momentum(0.9)};
        for (int epoch = 0; epoch < epochs; epoch++) {
            Replica[] rep = new Replica[k];
            for (int rank = 0; rank < k; rank++) rep[rank] = new Replica(replicas[rank], optimizers[rank], Shard.of(data, k, rank), k, data.size(), batch / k, seed, epoch);
            for (int s = 0; s < Replica.steps(data.size(), k, batch / k); s++) {
                for (Replica x : rep) x.computeSlice(s);
                float[] sum = replicas[0].grads().clone();
                float[] g1 = replicas[1].grads();
                for (int i = 0; i < sum.length; i++) sum[i] += g1[i];
                for (int rank = 0; rank < k; rank++) {
                    System.arraycopy(sum, 0, replicas[rank].grads(), 0, sum.length);
                    optimizers[rank].step(replicas[rank].params(), replicas[rank].grads(), 0.05);
                }
            }
        }
        assertArrayEquals(replicas[0].params(), r.model().params());
        assertEquals(Replica.hash(replicas[0]), r.epochs().get(epochs - 1).replicaHashes().get(0));
        assertTrue(r.epochs().get(epochs - 1).stats().trainAccuracy() > 0.5, "the model learned: " + r.epochs().get(epochs - 1).stats());
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheRunEndsWithTheSameWeights(@TempDir Path tmp) throws Exception {
        Dataset data = SparkTests.blocks(160, 4, 13);
        Graph model = model(CNN_BN_DROPOUT);
        SparkTrainer plain = new SparkTrainer().workers(2).epochs(2).batchSize(16).seed(1).optimizer(() -> new Adam(1e-2));
        SparkTrainer.Result undisturbed = plain.fit(SparkTests.spark(), model, data);
        SparkTrainer.Result retried = new SparkTrainer().workers(2).epochs(2).batchSize(16).seed(1).optimizer(() -> new Adam(1e-2))
                .checkpointDir(tmp).failOnce(2, 4, 1).fit(SparkTests.spark(), model, data);

        assertEquals(List.of(1, 1), undisturbed.epochs().stream().map(SparkTrainer.EpochReport::stageAttempts).toList());
        assertEquals(List.of(1, 2), retried.epochs().stream().map(SparkTrainer.EpochReport::stageAttempts).toList());
        assertArrayEquals(undisturbed.model().params(), retried.model().params());
        assertEquals(Replica.hash(undisturbed.model()), Replica.hash(retried.model()), "weights and BatchNorm statistics");
        assertEquals(Replica.hash(retried.model()), Replica.hash(Checkpoint.load(tmp).decodeModel()));
        assertEquals(2, Checkpoint.load(tmp).epochsDone());
    }

    @Test
    void aRestartedDriverResumesFromTheCheckpoint(@TempDir Path tmp) throws Exception {
        Dataset data = SparkTests.blocks(96, 4, 14);
        Graph model = model(CNN_BN_DROPOUT);
        SparkTrainer.Result straight = new SparkTrainer().workers(2).epochs(2).batchSize(16).fit(SparkTests.spark(), model, data);
        SparkTrainer.Result first = new SparkTrainer().workers(2).epochs(1).batchSize(16).checkpointDir(tmp).fit(SparkTests.spark(), model, data);
        SparkTrainer.Result resumed = new SparkTrainer().workers(2).epochs(2).batchSize(16).checkpointDir(tmp).resume(true)
                .fit(SparkTests.spark(), model, data);
        assertEquals(1, first.epochs().size());
        assertEquals(1, resumed.epochs().size(), "only the second epoch ran again");
        assertEquals(2, resumed.epochs().get(0).stats().epoch());
        assertEquals(Replica.hash(straight.model()), Replica.hash(resumed.model()));
    }

    @Test
    void frozenLayersStayBitIdenticalOnEveryWorkerAndTheRunEqualsFit(@TempDir Path tmp) throws Exception {
        Dataset data = SparkTests.blocks(160, 4, 17);
        Graph model = model(CNN_BN), local = copy(model);       // no Dropout: its masks are drawn per rank, not as Trainer draws them
        for (Graph m : List.of(model, local)) { m.layer(0).trainable(false); m.layer(1).trainable(false); }   // conv and its BatchNorm
        float[] start = model.params().clone();
        float[] bnStart = model.layer(1).state().clone();
        SparkTrainer.Result r = new SparkTrainer().workers(2).epochs(2).batchSize(16).seed(3).optimizer(() -> new Adam(1e-2))
                .checkpointDir(tmp).fit(SparkTests.spark(), model, data);
        Graph trained = r.model();
        int convFrom = trained.layer(0).paramOffset(), convTo = trained.layer(1).paramOffset() + trained.layer(1).paramCount();
        for (int i = convFrom; i < convTo; i++) assertEquals(start[i], trained.params()[i], "frozen parameter " + i);
        assertArrayEquals(bnStart, trained.layer(1).state(), "a frozen BatchNorm keeps its running statistics");
        Layer head = trained.layer(trained.layers().size() - 1);
        int from = head.paramOffset(), to = from + head.paramCount();
        assertNotEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(start, from, to)),
                java.util.Arrays.toString(java.util.Arrays.copyOfRange(trained.params(), from, to)), "the head trained");
        assertEquals(List.of(trained.layer(0).name(), trained.layer(1).name()), trained.frozenLayerNames(), "the result stays frozen");
        for (SparkTrainer.EpochReport e : r.epochs()) assertEquals(1, e.replicaHashes().stream().distinct().count());

        // one worker is Trainer.fit step for step, freezing included
        SparkTrainer.Result one = new SparkTrainer().workers(1).epochs(2).batchSize(16).seed(3).optimizer(() -> new Adam(1e-2))
                .fit(SparkTests.spark(), model, data);
        new Trainer(local, TrainOptions.builder().epochs(2).batchSize(16).seed(3).optimizer(new Adam(1e-2)).build()).fit(data);
        assertArrayEquals(local.params(), one.model().params());

        // resuming the checkpoint with other layers frozen is another run: refused, naming both sets
        Graph other = model(CNN_BN);
        other.layer(0).trainable(false);
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().workers(2).epochs(3).batchSize(16).seed(3)
                .checkpointDir(tmp).resume(true).fit(SparkTests.spark(), other, data)), "frozen layers", trained.layer(1).name());
        Graph all = model(CNN);
        for (Layer l : all.layers()) l.trainable(false);
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().fit(SparkTests.spark(), all, data)), "Every layer");
    }

    @Test
    void aCheckpointWrittenBeforeFreezingReachedSparkStillLoads() throws Exception {
        Graph m = model(CNN);
        Checkpoint now = Checkpoint.start(m, new Adam(1e-3));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.write("STRCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeInt(3);
            out.writeInt(now.model().length);
            out.write(now.model());
            out.writeInt(now.optimizer().length);
            out.write(now.optimizer());
        }
        Checkpoint old = Checkpoint.fromBytes(bytes.toByteArray(), "a version-1 checkpoint");
        assertEquals(3, old.epochsDone());
        assertEquals(List.of(), old.frozen());
        assertEquals(Replica.hash(m), Replica.hash(old.decodeModelFrozen()));
        m.layer(0).trainable(false);
        Checkpoint frozen = Checkpoint.fromBytes(Checkpoint.start(m, new Adam(1e-3)).toBytes(), "a checkpoint");
        assertEquals(List.of(m.layer(0).name()), frozen.frozen());
        assertTrue(!frozen.decodeModelFrozen().layer(0).trainable());
    }

    @Test
    void theBarrierAllGatherGivesTheSameRunAsTheDirectConnections() throws Exception {
        Dataset data = SparkTests.blocks(64, 4, 16);      // two steps: each all-gather through the barrier takes about a second
        Graph model = model(CNN_BN_DROPOUT);
        SparkTrainer t = new SparkTrainer().workers(2).batchSize(32).seed(4);
        SparkTrainer.Result peers = t.fit(SparkTests.spark(), model, data);
        SparkTrainer.Result barrier = t.exchange(SparkTrainer.Exchange.BARRIER).fit(SparkTests.spark(), model, data);
        assertEquals(Replica.hash(peers.model()), Replica.hash(barrier.model()));
        assertNotEquals(Replica.hash(model), Replica.hash(barrier.model()));
    }

    @Test
    void badSettingsAndRowsAreRefusedWithWhatToChange() {
        SparkSession spark = SparkTests.spark();
        Dataset data = SparkTests.blocks(20, 4, 15);
        Graph m = model(CNN);
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().workers(3).batchSize(32).fit(spark, m, data)),
                "32", "3 equal slices");
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().workers(4).batchSize(32).fit(spark, m, data)),
                "local[2]", "runs 2");
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().epochs(0)), "epochs=0");
        Graph three = LayerSpecs.parse("input 1x12x12\nflatten\ndense 3\n", "test", null).build(1);
        Exception e = assertThrows(Exception.class, () -> new SparkTrainer().fit(spark, three, data));
        assertMessage(rootCause(e), "label 3", "[0, 3)");
        assertMessage(assertThrows(SparkInputException.class, () -> new SparkTrainer().fit(spark, m, ImageFrames.of(spark, data).drop("label"))),
                "no column 'label'");
    }
}
