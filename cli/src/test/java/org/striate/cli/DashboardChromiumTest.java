package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.cli.report.HeadlessChromium;

/**
 * The live page as a browser sees it: 'striate train --dashboard 0' runs in its own process, headless
 * Chromium keeps the page open while it trains, and the page's state is read over the DevTools protocol
 * every 200 ms. Its charts must grow while training runs, end with every epoch, picture and confusion
 * cell, the page must still be served after training, log nothing to the console and request nothing
 * outside the server's address. Skipped without Chromium ({@code .ci/run} installs it). With
 * {@code -Dstriate.dashboard.screenshot=FILE} it also saves a screenshot of the finished page.
 */
class DashboardChromiumTest {
    static final int EPOCHS = 4;

    record Snapshot(int steps, int epochs, boolean done, int[] points, int pictures, int cells) {}

    /** The page's state; before the page has been parsed (no body, no canvases yet) it reads as empty. */
    static final String PROBE = "!document.body ? JSON.stringify(['0', '0', 'false', '', '0', '0']) : JSON.stringify([document.body.dataset.steps || '0', document.body.dataset.epochs || '0', "
            + "document.body.dataset.done || 'false', [...document.querySelectorAll('canvas')].map(c => c.dataset.points || '0').join(' '), "
            + "String(document.querySelectorAll('#filters img, #maps img').length), String(document.querySelectorAll('#confusion td').length)])";

    static Snapshot parse(String json) {
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(json);
        List<String> v = new ArrayList<>();
        while (m.find()) v.add(m.group(1));
        // before the page has loaded there are no canvases yet
        int[] points = v.get(3).isBlank() ? new int[0] : java.util.Arrays.stream(v.get(3).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        return new Snapshot(Integer.parseInt(v.get(0)), Integer.parseInt(v.get(1)), v.get(2).equals("true"), points,
                Integer.parseInt(v.get(4)), Integer.parseInt(v.get(5)));
    }

    @Test
    void theLivePageFollowsTrainingAndStaysUpAfterIt(@TempDir Path dir) throws Exception {
        Path browser = HeadlessChromium.find();
        Assumptions.assumeTrue(browser != null,
                "Chromium is not installed, so the dashboard is not checked in a browser. Install it with 'apt-get install -y chromium'.");
        // enough steps that the run lasts several seconds even on an idle machine, so the page sees it move
        Path data = TinyData.write(dir.resolve("data"), 8000, 200, 5);
        Path spec = dir.resolve("tiny.spec");
        Files.writeString(spec, TrainEvalPredictTest.SPEC);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process train = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                "--model", spec.toString(), "--data", data.toString(), "--epochs", "" + EPOCHS, "--batch", "16", "--lr", "0.003",
                "--threads", "1", "--no-progress", "--dashboard", "0", "--out", dir.resolve("m.striate").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // not closed here: a reader blocked in the draining thread holds its lock; ending the process ends both
        BufferedReader err = new BufferedReader(new InputStreamReader(train.getErrorStream(), StandardCharsets.UTF_8));
        try {
            String address = null, line;
            while (address == null && (line = err.readLine()) != null) {
                Matcher m = Pattern.compile("^dashboard: (http://127\\.0\\.0\\.1:\\d+/)$").matcher(line);
                if (m.find()) address = m.group(1);
            }
            assertTrue(address != null, "the address was printed");
            Thread drain = new Thread(() -> { try { err.transferTo(java.io.Writer.nullWriter()); } catch (Exception e) { /* closed */ } });
            drain.setDaemon(true);
            drain.start();

            List<Snapshot> seen = new ArrayList<>();
            String netLog;
            List<String> console;
            try (DevTools page = DevTools.open(browser, address, Files.createDirectories(dir.resolve("chromium")))) {
                long start = System.nanoTime();
                Snapshot s;
                do {
                    Thread.sleep(200);
                    s = parse(page.evaluate(PROBE));
                    seen.add(s);
                } while (!s.done() && DevTools.since(start).toSeconds() < 240);
                assertTrue(s.done(), "training finished on the page within 240 s: " + s);
                String shot = System.getProperty("striate.dashboard.screenshot");
                if (shot != null) page.screenshot(Path.of(shot));
                console = page.console();
                netLog = page.closeAndReadNetLog();
            }
            Set<Integer> stepCountsWhileTraining = new LinkedHashSet<>(), lossPointsWhileTraining = new LinkedHashSet<>();
            for (Snapshot s : seen) {
                if (s.done() || s.points().length == 0) continue;
                stepCountsWhileTraining.add(s.steps());
                lossPointsWhileTraining.add(s.points()[0]);
            }
            assertTrue(lossPointsWhileTraining.size() >= 3, "the loss chart grew while training: " + lossPointsWhileTraining);
            Snapshot last = seen.get(seen.size() - 1);
            assertEquals(EPOCHS, last.epochs());
            assertEquals(2 * EPOCHS, last.points()[2], "train and test loss of every epoch");
            assertEquals(2 * EPOCHS, last.points()[3], "train and test accuracy of every epoch");
            assertTrue(last.points()[6] > 0, "update/weight ratios drawn");
            assertTrue(last.pictures() >= 3, "filters, the input and its feature maps: " + last.pictures());
            assertEquals(100, last.cells(), "a 10x10 confusion matrix");

            // training is over; the page is still served
            assertTrue(train.isAlive(), "the command keeps serving");
            HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, again.statusCode());
            assertTrue(console.isEmpty(), "console messages: " + console);
            List<String> requests = HeadlessChromium.pageRequests(netLog);
            assertTrue(requests.contains(address + "events"), "the page read the event stream: " + requests);
            for (String r : requests) assertTrue(r.startsWith(address), "a request outside " + address + ": " + r);
        } finally {
            train.destroyForcibly();
            train.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
