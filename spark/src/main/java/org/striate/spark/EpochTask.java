package org.striate.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.striate.io.ModelFile;
import org.striate.train.Optimizer;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One epoch on one worker, inside a barrier stage: build the replica from the broadcast checkpoint,
 * then for every global batch compute this rank's slice gradient, all-gather the k gradients (over
 * direct connections, {@link PeerMesh}, or through {@link BarrierTaskContext#allGather}), sum them in
 * rank order and take the optimizer step.
 */
final class EpochTask extends AbstractFunction1<Iterator<Shard>, Iterator<EpochResult>> implements Serializable {
    /** Thrown once where {@link SparkTrainer#failOnce} asks, to show that a retried stage ends where an undisturbed one does. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) { super(message); }
    }

    private final Broadcast<byte[]> checkpoint;
    private final SparkTrainer.OptimizerFactory optimizers;
    private final int epoch, k, total, slice;
    private final long seed;
    private final int[] failAt;
    private final SparkTrainer.Exchange exchange;
    private final int kernelThreads;

    /** {@code failAt}: epoch (from 0), step (from 0) and rank of the one failure to inject, or null. */
    EpochTask(Broadcast<byte[]> checkpoint, SparkTrainer.OptimizerFactory optimizers, int epoch, int k, int total, int slice, long seed, int[] failAt,
              SparkTrainer.Exchange exchange, int kernelThreads) {
        this.checkpoint = checkpoint;
        this.optimizers = optimizers;
        this.epoch = epoch;
        this.k = k;
        this.total = total;
        this.slice = slice;
        this.seed = seed;
        this.failAt = failAt;
        this.exchange = exchange;
        this.kernelThreads = kernelThreads;
    }

    @Override
    public Iterator<EpochResult> apply(Iterator<Shard> shards) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        ExecutorKernels.use(kernelThreads);
        try {
            if (exchange == SparkTrainer.Exchange.BARRIER) return run(shards.next(), ctx, null);
            try (PeerMesh mesh = PeerMesh.connect(ctx)) {
                return run(shards.next(), ctx, mesh);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The exchange between the training tasks failed: " + e.getMessage(), e);
        }
    }

    /** Base64 through the driver, for {@link SparkTrainer.Exchange#BARRIER}. */
    private static byte[][] barrierAllGather(BarrierTaskContext ctx, byte[] mine) {
        String[] all = ctx.allGather(Base64.getEncoder().encodeToString(mine));
        byte[][] parts = new byte[all.length][];
        for (int r = 0; r < all.length; r++) parts[r] = Base64.getDecoder().decode(all[r]);
        return parts;
    }

    private Iterator<EpochResult> run(Shard shard, BarrierTaskContext ctx, PeerMesh mesh) throws IOException {
        Checkpoint start = Checkpoint.fromBytes(checkpoint.value(), "the checkpoint broadcast");
        Optimizer optimizer = optimizers.get();
        Checkpoint.restore(optimizer, start.optimizer());
        Replica replica = new Replica(start.decodeModelFrozen(), optimizer, shard, k, total, slice, seed, epoch);
        int steps = Replica.steps(total, k, slice), samples = 0, correct = 0, diverged = 0;
        double lossSum = 0;
        long compute = 0, allReduce = 0, optimize = 0;
        for (int s = 0; s < steps && diverged == 0; s++) {
            if (failAt != null && failAt[0] == epoch && failAt[1] == s && failAt[2] == shard.rank() && ctx.stageAttemptNumber() == 0) {
                throw new InjectedFailure("Injected failure at epoch " + (epoch + 1) + ", step " + (s + 1) + ", rank " + shard.rank()
                        + " (first attempt only).");
            }
            long t0 = System.nanoTime();
            replica.computeSlice(s);
            long t1 = System.nanoTime();
            byte[] mine = replica.message();
            replica.reduce(mesh == null ? barrierAllGather(ctx, mine) : mesh.allGather(mine));
            long t2 = System.nanoTime();
            if (!Double.isFinite(replica.globalLossSum())) {
                diverged = s + 1;
            } else {
                replica.step();
            }
            compute += t1 - t0;
            allReduce += t2 - t1;
            optimize += System.nanoTime() - t2;
            samples += replica.globalSamples();
            correct += replica.globalCorrect();
            lossSum += replica.globalLossSum();
        }
        if (diverged == 0) {
            for (float p : replica.model.params()) if (!Float.isFinite(p)) { diverged = steps; break; }
        }
        boolean first = shard.rank() == 0;
        EpochResult result = new EpochResult(shard.rank(), ctx.stageAttemptNumber(), replica.hash(), samples, correct, lossSum, diverged,
                compute / 1e9, allReduce / 1e9, optimize / 1e9,
                first ? ModelFile.toBytes(replica.model) : null, first ? Checkpoint.stateOf(optimizer) : null);
        return CollectionConverters.asScala(List.of(result).iterator());
    }
}
