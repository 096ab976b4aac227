package org.striate.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.fuzz.FuzzInputs;
import org.striate.nn.Graph;

/**
 * Fuzzes the ONNX reader: the protobuf decoding, the import into a graph and, through a model that
 * imports, one sample forward. Inputs are read from a file (as {@code striate import} reads them) in
 * a folder that also holds the external data file of the {@code lenet-dynamo} seed, so mutations of
 * that seed reach the external-data path too. The reader must return or throw a
 * {@link StriateException}; anything else is a finding.
 */
class OnnxReaderFuzzTest {
    /** The seed that keeps its weights outside; its data file lies beside every fuzzed input. */
    private static final String DATA = "lenet-dynamo.onnx.data";
    private static boolean dataWritten;

    @FuzzTest(maxDuration = "10s")
    void onnxFile(byte[] data) throws IOException {
        Path file = withData(FuzzInputs.file("fuzzed.onnx", data));
        Graph model;
        try {
            model = Onnx.load(file);
        } catch (StriateException expected) {
            return;
        }
        FuzzInputs.runOneSample(model);
    }

    private static synchronized Path withData(Path file) {
        if (!dataWritten) {
            try (InputStream in = OnnxReaderFuzzTest.class.getResourceAsStream("/onnx/" + DATA)) {
                FuzzInputs.file(DATA, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dataWritten = true;
        }
        return file;
    }
}
