package org.striate.cli.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.StriateException;

/** Fuzzes the metrics CSV reader of the report: a table or a {@link StriateException}, nothing else. */
class MetricsTableFuzzTest {
    private static Path file;

    @FuzzTest(maxDuration = "10s")
    void metricsCsv(byte[] data) throws IOException {
        Path f = scratch();
        Files.write(f, data);
        try {
            MetricsTable t = MetricsTable.read(f);
            t.epochs();
            t.matching("loss");
        } catch (StriateException expected) {
            // refused with a message naming the file
        }
    }

    private static synchronized Path scratch() {
        try {
            if (file == null) {
                file = Files.createTempFile("striate-fuzz", ".metrics.csv");
                file.toFile().deleteOnExit();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
