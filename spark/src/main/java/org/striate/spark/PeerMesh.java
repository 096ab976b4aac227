package org.striate.spark;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.BarrierTaskContext;

/**
 * Direct TCP connections between the k tasks of a barrier stage, for an all-gather per step.
 * {@link BarrierTaskContext#allGather} goes through the driver and its caller polls for the answer
 * once a second (Spark 4.1's BarrierTaskContext.runBarrier sleeps 1 s between checks), so each call
 * costs about a second; it is used once, to exchange the addresses, and every step then costs a
 * network transfer. Each task listens on its executor's address; rank r connects to every lower
 * rank and accepts the higher ones. The channels are interruptible: when Spark kills a task its
 * connections close, and its peers' reads fail at once instead of waiting.
 */
final class PeerMesh implements AutoCloseable {
    private final int rank;
    private final SocketChannel[] peers;
    private final ExecutorService senders;
    private final ByteBuffer length = ByteBuffer.allocate(4);
    /** Each peer's last message, read into again next step: the caller is done with it by then. */
    private final byte[][] received;

    private PeerMesh(int rank, SocketChannel[] peers) {
        this.rank = rank;
        this.peers = peers;
        this.received = new byte[peers.length][];
        this.senders = Executors.newFixedThreadPool(Math.max(1, peers.length - 1), r -> {
            Thread t = new Thread(r, "striate-peer-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /** Listens, exchanges addresses through the barrier (the one slow all-gather) and connects. */
    static PeerMesh connect(BarrierTaskContext ctx) throws IOException {
        int rank = ctx.partitionId(), k = ctx.getTaskInfos().length;
        String executor = ctx.getTaskInfos()[rank].address();       // host:port of this task's executor
        String host = executor.substring(0, Math.max(0, executor.lastIndexOf(':')));
        SocketChannel[] peers = new SocketChannel[k];
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0), k);
            String[] addresses = ctx.allGather(host + " " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            try {
                for (int r = 0; r < rank; r++) {
                    String[] hp = addresses[r].split(" ");
                    peers[r] = SocketChannel.open(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
                    peers[r].socket().setTcpNoDelay(true);
                    writeFully(peers[r], ByteBuffer.allocate(4).putInt(0, rank));
                }
                for (int i = rank + 1; i < k; i++) {
                    SocketChannel c = server.accept();
                    c.socket().setTcpNoDelay(true);
                    ByteBuffer who = ByteBuffer.allocate(4);
                    readFully(c, who);
                    int r = who.getInt(0);
                    if (r <= rank || r >= k || peers[r] != null) throw new IOException("unexpected peer rank " + r + " at rank " + rank);
                    peers[r] = c;
                }
            } catch (IOException | RuntimeException e) {
                for (SocketChannel c : peers) if (c != null) c.close();
                throw e;
            }
        }
        return new PeerMesh(rank, peers);
    }

    /** Every rank's bytes, in rank order ({@code mine} at this rank): sends to all peers while reading from them. */
    byte[][] allGather(byte[] mine) throws IOException {
        List<Future<?>> sent = new ArrayList<>();
        for (SocketChannel peer : peers) {
            if (peer == null) continue;
            sent.add(senders.submit(() -> {
                synchronized (peer) {
                    writeFully(peer, ByteBuffer.allocate(4).putInt(0, mine.length));
                    writeFully(peer, ByteBuffer.wrap(mine));
                }
                return null;
            }));
        }
        byte[][] all = new byte[peers.length][];
        all[rank] = mine;
        for (int r = 0; r < peers.length; r++) {
            if (r == rank) continue;
            length.clear();
            readFully(peers[r], length);
            int n = length.getInt(0);
            if (n < 0) throw new IOException("rank " + r + " announced " + n + " bytes");
            if (received[r] == null || received[r].length != n) received[r] = new byte[n]; // reused while the size stays
            all[r] = received[r];
            readFully(peers[r], ByteBuffer.wrap(all[r]));
        }
        for (Future<?> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                throw new IOException("sending to a peer failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending to the peers", e);
            }
        }
        return all;
    }

    private static void writeFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) c.write(b);
    }

    private static void readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) if (c.read(b) < 0) throw new EOFException("a peer closed its connection (its task failed or was killed)");
    }

    @Override
    public void close() {
        senders.shutdownNow();
        for (SocketChannel c : peers) {
            if (c == null) continue;
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a connection whose peer has gone
            }
        }
    }
}
