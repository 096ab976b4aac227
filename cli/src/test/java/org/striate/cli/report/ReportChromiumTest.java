package org.striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser sees it: headless Chromium loads the page from disk, with a fresh profile
 * and every background service off, and prints the DOM. The page must render its sections and tables,
 * log nothing to the console (the page's Content-Security-Policy makes the browser log any request it
 * blocks, so a console line would also reveal an attempt to load something), and report no network error.
 */
class ReportChromiumTest {

    static Path chromium() {
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

    @Test
    void thePageRendersOfflineWithoutConsoleMessages(@TempDir Path dir) throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null,
                "Chromium is not installed, so the report is not checked in a browser. Install it with 'apt-get install -y chromium'.");
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        Path page = f.out().resolve("index.html");
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Path dom = dir.resolve("dom.html"), log = dir.resolve("chromium.log");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s");
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8), html = Files.readString(page), rendered = Files.readString(dom);
        assertEquals(0, p.exitValue(), stderr);
        for (String h : new String[] {"Summary", "Training curves", "Learned filters", "Feature maps", "Confusion matrix", "Translation probes"}) {
            assertTrue(rendered.contains("<h2>" + h + "</h2>"), "rendered section " + h);
        }
        assertEquals(ReportCommandTest.count(html, "<table>"), ReportCommandTest.count(rendered, "<table>"), "every table rendered");
        assertEquals(ReportCommandTest.count(html, "<img"), ReportCommandTest.count(rendered, "<img"), "every picture rendered");
        List<String> console = stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertTrue(console.isEmpty(), "console messages: " + console);
        List<String> network = stderr.lines().filter(l -> l.contains("net::ERR") || l.contains("violates the following Content Security Policy")).toList();
        assertTrue(network.isEmpty(), "blocked or failed requests: " + network);
    }
}
