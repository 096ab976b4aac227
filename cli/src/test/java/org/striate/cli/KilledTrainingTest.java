package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
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

/**
 * A training process killed with SIGKILL part-way leaves the model file as it was: the previous
 * model byte for byte, and no temporary, partial or metrics file of its own beside it.
 */
class KilledTrainingTest {

    @TempDir
    Path tmp;

    @Test
    void killedTrainingLeavesThePreviousModelUntouched() throws Exception {
        Path data = TinyData.write(tmp.resolve("data"), 1000, 100, 3);
        Path models = Files.createDirectories(tmp.resolve("models"));
        Path model = models.resolve("mlp.striate");
        byte[] previous = "the model of an earlier run".getBytes(StandardCharsets.UTF_8);
        Files.write(model, previous);

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--model", "mlp", "--data", data.toString(), "--epochs", "500", "--batch", "16",
                "--threads", "1", "--kernels", "scalar", "--no-progress", "--out", model.toString(), "--overwrite"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean epochDone = false;
            while (!epochDone && (line = out.readLine()) != null) epochDone = line.startsWith("epoch 1/500");
            assertTrue(epochDone, "training never finished its first epoch");
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertTrue(p.exitValue() != 0, "the process was killed, not finished");
        assertArrayEquals(previous, Files.readAllBytes(model));
        try (Stream<Path> files = Files.list(models)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            // the metrics are written with the model: a killed run leaves no figures of its own beside the old model
            assertEquals(List.of("mlp.striate"), names);
        }
    }
}
