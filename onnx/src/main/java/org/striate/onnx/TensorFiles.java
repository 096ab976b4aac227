package org.striate.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.io.AtomicFile;
import org.striate.tensor.Memory;
import org.striate.tensor.Tensor;

/**
 * Single TensorProto files ({@code .pb}), the form of ONNX's own test data (test_data_set_0/input_0.pb):
 * float32 tensors, batch first, read and written with the module's protobuf reader and writer.
 */
final class TensorFiles {
    private TensorFiles() {}

    static Tensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new OnnxFormatException("Tensor file " + file + " does not exist. Expected a TensorProto (.pb) file.");
        long size = Files.size(file);
        Memory.require(2 * size, "The tensor file " + file + " of " + size + " bytes");
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** The tensor a TensorProto's bytes hold; {@code source} names them in errors. */
    static Tensor fromBytes(byte[] bytes, String source) {
        OnnxModel.Tensor t = OnnxDecoder.decodeTensor(bytes, source);
        if (t.dataType() != OnnxModel.FLOAT || t.floats() == null) {
            throw new OnnxFormatException("Tensor file " + source + " holds data type " + t.dataType() + ". Expected float32 (data type 1).");
        }
        long[] d = t.dims();
        if (d.length < 2) {
            throw new OnnxFormatException("Tensor file " + source + " has " + d.length + " dimension" + (d.length == 1 ? "" : "s")
                    + ". Expected the batch first, then the model's input shape, e.g. (N, 1, 28, 28).");
        }
        int[] shape = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] <= 0) throw new OnnxFormatException("Tensor file " + source + " has a dimension of " + d[i] + ". Expected sizes > 0.");
            shape[i] = (int) d[i]; // the decoder checked that the product fits in an int
        }
        Tensor x = new Tensor(shape);
        System.arraycopy(t.floats(), 0, x.data, 0, x.size());
        return x;
    }

    static void write(Tensor t, String name, Path file) throws IOException {
        int[] shape = t.shape();
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) dims[i] = shape[i];
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) b.putFloat(t.data[i]);
        byte[] bytes = OnnxExporter.tensorProto(name, OnnxModel.FLOAT, dims, b.array()).toBytes();
        AtomicFile.write(file, out -> out.write(bytes));
    }
}
