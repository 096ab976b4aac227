package org.striate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.io.AtomicFile;
import org.striate.train.EpochStats;
import org.striate.train.History;

/**
 * The per-epoch figures of a training run as CSV, beside the model file. Written whole and atomically
 * right after the model, so the figures beside a model are always that model's: a run that is killed
 * or fails leaves the old pair as it was.
 */
final class MetricsCsv {
    static final String HEADER = header("test");

    private MetricsCsv() {}

    /** {@code validation} names the per-epoch evaluation's columns: "test", or "val" for a held-out part of the training set. */
    static String header(String validation) {
        return "epoch,train_loss,train_accuracy," + validation + "_loss," + validation + "_accuracy,learning_rate,epoch_seconds,elapsed_seconds";
    }

    static void write(Path file, History history) throws IOException { write(file, history, "test"); }

    /** One row per epoch; elapsed_seconds adds up the epochs' times (of every run a resumed run went through). */
    static void write(Path file, History history, String validation) throws IOException {
        StringBuilder b = new StringBuilder(header(validation)).append('\n');
        double elapsed = 0;
        for (EpochStats s : history.epochs()) {
            elapsed += s.seconds();
            b.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.2f,%.2f%n", s.epoch(), s.trainLoss(), s.trainAccuracy(),
                    s.validationLoss(), s.validationAccuracy(), s.learningRate(), s.seconds(), elapsed));
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes));
    }
}
