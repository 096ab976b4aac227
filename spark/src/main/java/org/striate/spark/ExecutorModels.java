package org.striate.spark;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.broadcast.Broadcast;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;

/**
 * Models decoded from a broadcast of model-file bytes, cached per executor JVM. A model keeps
 * activations of its own, so each running task borrows one and gives it back: an executor decodes at
 * most as many copies as it runs tasks at once, once per broadcast, however many partitions follow.
 * The few newest broadcasts are kept.
 */
final class ExecutorModels {
    private static final int KEEP = 4;
    private static final Map<Long, ArrayDeque<Graph>> IDLE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ArrayDeque<Graph>> eldest) { return size() > KEEP; }
    };
    private static final AtomicInteger DECODED = new AtomicInteger();

    private ExecutorModels() {}

    /** An idle model of this broadcast, or a newly decoded one. */
    static Graph borrow(Broadcast<byte[]> model) {
        synchronized (IDLE) {
            ArrayDeque<Graph> idle = IDLE.get(model.id());
            if (idle != null && !idle.isEmpty()) return idle.pop();
        }
        DECODED.incrementAndGet();
        return ModelFile.fromBytes(model.value(), "the model broadcast " + model.id());
    }

    /** Gives the model back for the next task of this executor. */
    static void giveBack(Broadcast<byte[]> model, Graph m) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(model.id(), id -> new ArrayDeque<>()).push(m);
        }
    }

    /** How many models this JVM has decoded from broadcasts so far. */
    static int decoded() { return DECODED.get(); }
}
