package org.striate.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.train.EpochStats;

/**
 * The per-epoch figures of a training run as CSV, beside the model file. The file is opened at the
 * first finished epoch, so a run that fails before training writes nothing.
 */
final class MetricsCsv implements AutoCloseable {
    static final String HEADER = header("test");

    private final Path file;
    private final String header;
    private BufferedWriter writer;

    MetricsCsv(Path file) { this(file, "test"); }

    /** {@code validation} names the per-epoch evaluation's columns: "test", or "val" for a held-out part of the training set. */
    MetricsCsv(Path file, String validation) {
        this.file = file;
        this.header = header(validation);
    }

    static String header(String validation) {
        return "epoch,train_loss,train_accuracy," + validation + "_loss," + validation + "_accuracy,learning_rate,epoch_seconds,elapsed_seconds";
    }

    void row(EpochStats s, double elapsedSeconds) {
        try {
            if (writer == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                writer.write(header);
                writer.newLine();
            }
            writer.write(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.2f,%.2f", s.epoch(), s.trainLoss(), s.trainAccuracy(),
                    s.validationLoss(), s.validationAccuracy(), s.learningRate(), s.seconds(), elapsedSeconds));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (writer != null) writer.close();
    }
}
