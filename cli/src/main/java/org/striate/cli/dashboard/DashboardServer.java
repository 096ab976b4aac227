package org.striate.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.striate.StriateException;

/**
 * The live training page, served on 127.0.0.1 only by the JDK's own HTTP server: the page, its script
 * and style, and {@code /events}, a stream of server-sent events (one JSON object each) that replays
 * everything published so far to a new reader and then follows. Nothing on the page comes from
 * anywhere else, and its Content-Security-Policy forbids it. Requests naming another host are refused,
 * so a web page elsewhere cannot read the stream through a rebound name.
 */
public final class DashboardServer implements AutoCloseable {
    /** The port of --dashboard without a value. */
    public static final int DEFAULT_PORT = 8470;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'";
    private static final Map<String, String> FILES = Map.of("/", "index.html", "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");
    /** Seconds between keep-alive comments on an idle stream. */
    private static final long KEEP_ALIVE_MS = 10_000;

    private final HttpServer server;
    private final ExecutorService threads;
    private final List<String> events = new ArrayList<>();
    private volatile boolean closed;

    private DashboardServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Serves on 127.0.0.1:{@code port} (0: any free port); a port in use is the caller's to change. */
    public static DashboardServer start(int port) {
        if (port < 0 || port > 65535) {
            throw new StriateException("Invalid value for option '--dashboard'. Expected a port from 0 to 65535 (0: any free port). Received " + port + ".");
        }
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (BindException e) {
            throw new StriateException("Port " + port + " on 127.0.0.1 is in use. Expected a free port: pass --dashboard PORT, or --dashboard 0 for any free one.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dashboard");
            t.setDaemon(true);
            return t;
        });
        DashboardServer d = new DashboardServer(s, threads);
        s.createContext("/", d::handle);
        s.setExecutor(threads);
        s.start();
        return d;
    }

    /** http://127.0.0.1:PORT/ */
    public String address() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/"; }

    public int port() { return server.getAddress().getPort(); }

    /** Adds an event (a JSON object) for every reader, present and future. */
    public synchronized void publish(String json) {
        events.add(json);
        notifyAll();
    }

    /** Events published so far. */
    public synchronized int published() { return events.size(); }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String host = x.getRequestHeaders().getFirst("Host");
            int port = port();
            if (host == null || !(host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port))) {
                send(x, 403, "text/plain", ("This page is served to 127.0.0.1:" + port + " only.").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!x.getRequestMethod().equals("GET")) {
                send(x, 405, "text/plain", "GET only".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = x.getRequestURI().getPath();
            if (path.equals("/events")) {
                stream(x);
                return;
            }
            String file = FILES.get(path);
            if (file == null) {
                send(x, 404, "text/plain", "Not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
            send(x, 200, type + "; charset=utf-8", resource(file));
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Content-Security-Policy", CSP);
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    /** Replays from the event after Last-Event-ID (a reconnecting reader) or from the first, then follows. */
    private void stream(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(200, 0);
        int next = 0;
        String last = x.getRequestHeaders().getFirst("Last-Event-ID");
        if (last != null) {
            try {
                next = Integer.parseInt(last.trim()) + 1;
            } catch (NumberFormatException e) {
                next = 0;
            }
        }
        OutputStream out = x.getResponseBody();
        StringBuilder b = new StringBuilder();
        try {
            while (!closed) {
                List<String> fresh;
                synchronized (this) {
                    if (next >= events.size()) wait(KEEP_ALIVE_MS);
                    fresh = next < events.size() ? List.copyOf(events.subList(next, events.size())) : List.of();
                }
                b.setLength(0);
                if (fresh.isEmpty()) b.append(": still here\n\n");
                for (String e : fresh) b.append("id: ").append(next++).append("\ndata: ").append(e).append("\n\n");
                out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the reader went away
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing resource " + name);
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) { notifyAll(); }
        server.stop(0);
        threads.shutdownNow();
    }
}
