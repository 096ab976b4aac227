package org.striate.cli.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads one page in headless Chromium (--headless --no-sandbox --disable-gpu, a fresh profile) and
 * records what a reader of the page cannot see: the rendered DOM, every console message, and every
 * network request the page started.
 *
 * <p>Console messages are logged on stderr as {@code INFO:CONSOLE} lines, which Chromium only prints
 * with {@code --log-level=0}. Requests come from the network log ({@code --log-net-log}): the browser's
 * own background requests (updates, clock, accounts) carry the initiator "not an origin"; a request
 * the page starts carries the page's origin ("null" for a file), and is what {@link #pageRequests} lists.
 */
public record HeadlessChromium(int exitCode, String dom, String stderr, List<String> console, List<String> pageRequests) {

    /** Chromium on this machine, or null when it is not installed. */
    public static Path find() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path c = Path.of(d, "chromium");
                if (Files.isExecutable(c)) return c;
            }
        }
        return null;
    }

    static HeadlessChromium load(Path browser, Path page, Path work) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(work.resolve("profile"));
        Path dom = work.resolve("dom.html"), log = work.resolve("chromium.log"), netLog = work.resolve("netlog.json");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--log-level=0", "--log-net-log=" + netLog,
                "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s");
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8);
        if (!Files.exists(netLog)) throw new AssertionError("Chromium wrote no network log; stderr:\n" + stderr);
        String net = Files.readString(netLog, StandardCharsets.UTF_8);
        if (!net.contains("\"logEventTypes\"")) throw new AssertionError("not a Chromium network log: " + netLog);
        List<String> console = stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
        return new HeadlessChromium(p.exitValue(), Files.readString(dom, StandardCharsets.UTF_8), stderr, console, pageRequests(net));
    }

    private static final Pattern URL = Pattern.compile("\"url\":\"([^\"]*)\"");
    private static final Pattern INITIATOR = Pattern.compile("\"initiator\":\"([^\"]*)\"");

    /** URLs of requests whose initiator is an origin, i.e. that a page started; the log holds one event per line. */
    public static List<String> pageRequests(String netLog) {
        List<String> urls = new ArrayList<>();
        for (String event : netLog.lines().toList()) {
            Matcher url = URL.matcher(event), initiator = INITIATOR.matcher(event);
            if (url.find() && initiator.find() && !initiator.group(1).equals("not an origin") && !urls.contains(url.group(1))) {
                urls.add(url.group(1));
            }
        }
        return urls;
    }
}
