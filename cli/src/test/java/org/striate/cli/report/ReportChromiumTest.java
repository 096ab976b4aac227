package org.striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser sees it: headless Chromium loads the page from disk and prints the DOM. The
 * page must render its sections, tables and pictures, log nothing to the console (its
 * Content-Security-Policy makes the browser log any load it blocks) and start no network request.
 * A control page that does both proves the checks can fail. Skipped, with a message, without Chromium
 * ({@code .ci/run} installs it).
 */
class ReportChromiumTest {

    static Path browser() {
        Path browser = HeadlessChromium.find();
        Assumptions.assumeTrue(browser != null,
                "Chromium is not installed, so the report is not checked in a browser. Install it with 'apt-get install -y chromium'.");
        return browser;
    }

    @Test
    void thePageRendersOfflineWithoutConsoleMessagesOrRequests(@TempDir Path dir) throws Exception {
        Path browser = browser();
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        Path page = f.out().resolve("index.html");
        HeadlessChromium c = HeadlessChromium.load(browser, page, Files.createDirectory(dir.resolve("chromium")));
        String html = Files.readString(page);
        assertEquals(0, c.exitCode(), c.stderr());
        for (String h : ReportCommandTest.SECTIONS) assertTrue(c.dom().contains("<h2>" + h + "</h2>"), "rendered section " + h);
        assertTrue(ReportCommandTest.count(html, "<img") >= 4, "pictures in the page");
        assertEquals(ReportCommandTest.count(html, "<table>"), ReportCommandTest.count(c.dom(), "<table>"), "every table rendered");
        assertEquals(ReportCommandTest.count(html, "<img"), ReportCommandTest.count(c.dom(), "<img"), "every picture rendered");
        assertTrue(c.console().isEmpty(), "console messages: " + c.console());
        assertTrue(c.pageRequests().isEmpty(), "network requests: " + c.pageRequests());
    }

    /** Without this control, a browser that logs nothing would pass the test above whatever the page does. */
    @Test
    void theChecksCatchAConsoleMessageABlockedLoadAndARequest(@TempDir Path dir) throws Exception {
        Path browser = browser();
        Path noisy = dir.resolve("noisy.html");
        Files.writeString(noisy, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>noisy</title></head><body>"
                + "<img src=\"http://127.0.0.1:59999/x.png\"><script>console.error('boom')</script></body></html>");
        HeadlessChromium c = HeadlessChromium.load(browser, noisy, Files.createDirectory(dir.resolve("noisy")));
        assertTrue(c.console().stream().anyMatch(l -> l.contains("boom")), "console: " + c.console() + "\n" + c.stderr());
        assertTrue(c.pageRequests().contains("http://127.0.0.1:59999/x.png"), "requests: " + c.pageRequests());

        Path blocked = dir.resolve("blocked.html");
        Files.writeString(blocked, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + HtmlPage.CSP + "<title>blocked</title></head>"
                + "<body><img src=\"http://127.0.0.1:59999/x.png\"></body></html>");
        HeadlessChromium b = HeadlessChromium.load(browser, blocked, Files.createDirectory(dir.resolve("blocked")));
        assertTrue(b.console().stream().anyMatch(l -> l.contains("Content Security Policy")), "console: " + b.console());
        assertFalse(b.pageRequests().contains("http://127.0.0.1:59999/x.png"), "the policy blocks the load: " + b.pageRequests());
    }
}
