package org.striate.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium kept open on one page and asked questions over the DevTools protocol (a WebSocket
 * from the JDK's own client): evaluate an expression in the page, take a screenshot. Console messages
 * go to its stderr log and every request to its network log, as in the report's browser test.
 */
final class DevTools implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final Path log, netLog;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();

    private DevTools(Process process, WebSocket socket, Path log, Path netLog) {
        this.process = process;
        this.socket = socket;
        this.log = log;
        this.netLog = netLog;
    }

    static DevTools open(Path browser, String url, Path work) throws Exception {
        Path profile = Files.createDirectories(work.resolve("profile"));
        Path log = work.resolve("chromium.log"), netLog = work.resolve("netlog.json");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--log-level=0", "--log-net-log=" + netLog,
                "--window-size=1160,1900", "--remote-debugging-port=0", url)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        Pattern listening = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String port = null;
        while (port == null) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not open its DevTools port:\n" + Files.readString(log));
            }
            Matcher m = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) port = m.group(1);
            else Thread.sleep(100);
        }
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = null;
        while (pageSocket == null) {
            String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"", Pattern.DOTALL).matcher(list);
            if (m.find()) pageSocket = m.group(1);
            else if (System.nanoTime() > deadline) throw new AssertionError("no page target: " + list);
            else Thread.sleep(100);
        }
        DevTools[] self = new DevTools[1];
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    Matcher id = Pattern.compile("^\\{\"id\":(\\d+)").matcher(message);
                    if (id.find()) {
                        CompletableFuture<String> f = self[0].replies.remove(Integer.parseInt(id.group(1)));
                        if (f != null) f.complete(message);
                    }
                }
                s.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new DevTools(p, ws, log, netLog);
        return self[0];
    }

    /** Sends a DevTools command and waits for its reply (the raw JSON). */
    String call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        replies.put(id, reply);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).get(10, TimeUnit.SECONDS);
        return reply.get(30, TimeUnit.SECONDS);
    }

    /** The value of a JavaScript expression that yields a string. */
    String evaluate(String expression) throws Exception {
        String reply = call("Runtime.evaluate", "{\"expression\":" + quote(expression) + ",\"returnByValue\":true}");
        Matcher m = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(reply);
        if (!m.find()) throw new AssertionError("no string value in " + reply);
        return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** A PNG of the whole page. */
    void screenshot(Path file) throws Exception {
        String reply = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        Matcher m = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(reply);
        if (!m.find()) throw new AssertionError("no screenshot in " + reply.substring(0, Math.min(300, reply.length())));
        Files.write(file, Base64.getDecoder().decode(m.group(1)));
    }

    static String quote(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""; }

    /** Console lines Chromium logged so far. */
    java.util.List<String> console() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8).lines().filter(l -> l.contains(":CONSOLE")).toList();
    }

    /** Closes the browser and returns the network log it wrote. */
    String closeAndReadNetLog() throws Exception {
        close();
        return Files.exists(netLog) ? Files.readString(netLog, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws Exception {
        if (!process.isAlive()) return;
        socket.abort();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    static Duration since(long nanos) { return Duration.ofNanos(System.nanoTime() - nanos); }
}
