package org.striate.nn;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.striate.StriateException;
import org.striate.fuzz.FuzzInputs;

/**
 * Fuzzes the spec text: parsing, building (every shape inferred, weights allocated) and one sample
 * forward. Each must succeed or throw a {@link StriateException}.
 */
class SpecTextFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"input ", "conv ", "conv1d ", "conv3d ", "lc ", "dense ", "maxpool ", "avgpool ", "minpool ", "gap", "relu",
        "leakyrelu", "sigmoid", "tanh", "softmax", "dropout ", "batchnorm", "flatten", "blurpool", "pad=", "stride=", "dilation=",
        "groups=", "bias=false", "same", "momentum=", "eps=", "alpha=", "size=", "3x3", "1x28x28", "2147483647"})
    void specText(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Graph model;
        try {
            model = LayerSpecs.parse(text, "fuzzed.spec", new int[] {1, 8, 8}).build(1);
        } catch (StriateException expected) {
            return;
        }
        FuzzInputs.runOneSample(model);
    }
}
