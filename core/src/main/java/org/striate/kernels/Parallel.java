package org.striate.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fixed pool of {@code threads − 1} daemon workers plus the calling thread, created once. Work is
 * split statically: part {@code t} of {@code parts} always gets the same contiguous range, so a
 * reduction done per part and summed in part order is bit-identical run to run.
 *
 * <p>Waiting spins briefly (a training step posts hundreds of short jobs), yields, then parks, so
 * idle workers cost nothing and a busy shared machine is not slowed by spinning. A call made while the pool is busy (from a worker, or from a second user
 * thread) runs every part serially in the caller, in part order: same partition, same result.
 */
public final class Parallel implements AutoCloseable {

    /** Runs part {@code part} of the work: items [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int part, int from, int to);
    }

    /** Busy-wait this many rounds, then yield the core this many more, then park. */
    private static final int SPINS = 256;
    private static final int YIELDS = 256;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private RangeTask task;
    private int count;
    private volatile Throwable failure;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            Thread t = new Thread(() -> workLoop(part), "striate-kernels-" + part);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() { return threads; }

    /** The workers' thread ids (not the calling thread's), for counting what they allocate. */
    public long[] workerIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) ids[i] = workers[i].getId();
        return ids;
    }

    /** Start of part {@code part} when {@code count} items are split into {@code parts}. */
    public static int split(int count, int parts, int part) {
        return (int) ((long) count * part / parts);
    }

    /**
     * Runs {@code task} over [0, count) split into {@link #threads()} parts; returns when all are done.
     * Parts with an empty range are not run.
     */
    public void run(int count, RangeTask task) {
        if (count <= 0) return;
        // a closed pool has no workers left to wait for: its users still get their answer, serially
        // the caller of a running job holds the lock already (reentrant): a nested call must not post
        if (threads == 1 || count == 1 || closed || lock.isHeldByCurrentThread() || !lock.tryLock()) {
            runSerially(count, task);
            return;
        }
        try {
            if (closed || isWorker()) {
                runSerially(count, task);
                return;
            }
            this.task = task;
            this.count = count;
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(workers.length);
            generation++;
            for (Thread w : workers) LockSupport.unpark(w);
            int end0 = split(count, threads, 1);
            try {
                if (end0 > 0) task.run(0, 0, end0);
            } catch (Throwable e) {
                failure = e;  // still wait: the workers are using this job's buffers
            }
            for (int spin = 0; pending.get() != 0; spin++) pause(spin);
            this.task = null;
            Throwable f = failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One round of waiting: a short spin catches the next job of a training step cheaply; yielding
     * then leaves the core to other work when the machine is shared; parking costs nothing at rest.
     */
    private void pause(int round) {
        if (round < SPINS) Thread.onSpinWait();
        else if (round < SPINS + YIELDS) Thread.yield();
        else LockSupport.park(this);
    }

    private void runSerially(int count, RangeTask task) {
        for (int t = 0; t < threads; t++) {
            int from = split(count, threads, t), to = split(count, threads, t + 1);
            if (from < to) task.run(t, from, to);
        }
    }

    private boolean isWorker() {
        Thread me = Thread.currentThread();
        for (Thread w : workers) if (w == me) return true;
        return false;
    }

    private void workLoop(int part) {
        int seen = 0;
        while (true) {
            for (int spin = 0; generation == seen && !closed; spin++) pause(spin);
            if (closed) return;
            seen = generation;
            try {
                int from = split(count, threads, part), to = split(count, threads, part + 1);
                if (from < to) task.run(part, from, to);
            } catch (Throwable e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        lock.lock();  // never pull the workers out from under a running job
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
