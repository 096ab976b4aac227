package org.striate.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.striate.StriateException;

/**
 * Fuzzes the reader of single TensorProto files ({@code predict --input x.pb}): a tensor comes out, or
 * a {@link StriateException}, nothing else. ONNX models have their own target, {@link OnnxReaderFuzzTest}.
 */
class OnnxReadersFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void tensorFile(byte[] data) {
        try {
            TensorFiles.fromBytes(data, "fuzzed.pb");
        } catch (StriateException expected) {
            // refused, naming the file
        }
    }
}
