package org.striate.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.tensor.Tensor;

/**
 * Fuzzes the ONNX readers: a model or a TensorProto comes out, or a {@link StriateException}, nothing
 * else. A model that imports must also run one zero sample (as core's FuzzInputs does for model
 * files; that helper lives in core's tests, out of this module's reach).
 */
class OnnxReadersFuzzTest {
    /** Models larger than this are not run: running them proves nothing a small one does not. */
    private static final long MAX_VALUES = 1 << 22;

    @FuzzTest(maxDuration = "10s")
    void onnxModel(byte[] data) {
        Graph model;
        try {
            model = Onnx.fromBytes(data, "fuzzed.onnx");
        } catch (StriateException expected) {
            return;
        }
        long values = model.paramCount() + size(model.inputShape());
        for (Layer l : model.layers()) values += size(l.outputShape());
        if (values > MAX_VALUES) return;
        int[] in = model.inputShape();
        int[] shape = new int[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        try {
            model.forward(new Tensor(shape), false);
        } catch (StriateException expected) {
            // a shape the model cannot take is a typed error
        }
    }

    @FuzzTest(maxDuration = "10s")
    void tensorFile(byte[] data) {
        try {
            TensorFiles.fromBytes(data, "fuzzed.pb");
        } catch (StriateException expected) {
            // refused, naming the file
        }
    }

    private static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n = Math.min(n * Math.max(d, 0), Long.MAX_VALUE / (1L << 31));
        return n;
    }
}
