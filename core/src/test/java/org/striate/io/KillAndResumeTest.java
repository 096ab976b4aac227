package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.train.Checkpoint;

/**
 * The checkpoint contract, in separate JVMs: a training run killed with SIGKILL — mid-epoch, right
 * after a checkpoint, halfway through writing one, at a moment taken by the clock — and resumed from
 * its checkpoint ends with the model file bytes of the run that was never killed.
 */
class KillAndResumeTest {
    /** 120 samples in batches of 16. */
    private static final int STEPS = 8;
    private static int resumeAt;

    @Test
    void killedAnywhereAndResumedGivesTheUninterruptedModel(@TempDir Path dir) throws Exception {
        for (String kind : new String[] {"serial", "split"}) {
            Path reference = dir.resolve(kind + "-reference.striate");
            assertEquals(0, run(reference, kind, "none", false, true).exitValue());
            byte[] expected = Files.readAllBytes(reference);
            List<String> stops = kind.equals("serial") ? List.of("step=6", "checkpoint=2", "write=3") : List.of("write=2", "clock");
            for (String stop : stops) {
                Path out = dir.resolve(kind + "-" + stop.replace('=', '-') + ".striate");
                Path ckpt = Checkpoint.besideModel(out);
                Process killed = stop.equals("clock") ? killByTheClock(out, kind, ckpt) : run(out, kind, stop, false, false);
                killed.destroyForcibly();                             // SIGKILL on Unix
                killed.waitFor(30, TimeUnit.SECONDS);
                assertTrue(Files.isRegularFile(ckpt), "a whole checkpoint is there after a kill at " + stop);
                Checkpoint c = Checkpoint.load(ckpt);
                int from = c.epoch() * STEPS + c.step();
                assertTrue(from > 0 && from < KillChild.EPOCHS * STEPS, "killed mid-run at " + stop + ", checkpoint at step " + from);
                if (stop.startsWith("write")) assertEquals(1, temporaries(dir, ckpt).size(), "the kill left the half-written temporary file");
                resumeAt = from + 1;
                assertEquals(0, run(out, kind, "none", true, true).exitValue(), "resumed after a kill at " + stop);
                assertArrayEquals(expected, Files.readAllBytes(out), kind + " model killed at " + stop + " and resumed");
                assertEquals(List.of(), temporaries(dir, ckpt), "the resumed run removed the killed one's temporary file");
            }
        }
    }

    /**
     * Starts the child and kills it 0–30 ms after its first checkpoint appears; tries again with a
     * shorter time if the run had already reached its end by then.
     */
    private static Process killByTheClock(Path out, String kind, Path ckpt) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Process p = start(out, kind, "none", false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(1);
            Thread.sleep(new java.util.Random().nextInt(30 >> Math.min(attempt, 4)) + 1);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            Checkpoint c = Checkpoint.load(ckpt);
            if (c.epoch() < KillChild.EPOCHS || attempt == 9) return p;
            Files.delete(ckpt);
            Files.deleteIfExists(Checkpoint.previous(ckpt));
        }
    }

    private static List<Path> temporaries(Path dir, Path ckpt) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("." + ckpt.getFileName() + ".")).toList();
        }
    }

    /** Starts the child; unless it is to finish, waits until it says it waits to be killed. */
    private static Process run(Path out, String kind, String stop, boolean resume, boolean finish) throws Exception {
        Process p = start(out, kind, stop, resume);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = lines.readLine()) != null; ) {
            seen.add(line);
            if (!finish && line.equals("WAITING")) return p;
        }
        if (resume) assertEquals("FIRST " + resumeAt, seen.get(0), "the resumed run goes on from its checkpoint");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finished");
        assertTrue(finish, "the child ended before it reached " + stop + ": " + seen);
        assertEquals("DONE", seen.get(seen.size() - 1));
        return p;
    }

    private static Process start(Path out, String kind, String stop, boolean resume) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), out.toString(), kind, stop));
        if (resume) cmd.add("resume");
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
