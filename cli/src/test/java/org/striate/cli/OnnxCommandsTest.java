package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.io.Npy;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/** striate export, import, --model x.onnx and predict --input x.npy --out y.npy, end to end. */
class OnnxCommandsTest {
    @Test
    void exportImportPredictGiveTheSameOutputs(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("lenet.onnx"), imported = dir.resolve("lenet.striate");
        Cli e = Cli.run("export", "--model", "lenet5", "--out", onnx.toString(), "--opset", "13");
        assertEquals(0, e.code(), e.toString());
        Cli i = Cli.run("import", onnx.toString(), "--out", imported.toString());
        assertEquals(0, i.code(), i.toString());
        assertTrue(i.out().contains("61,706 parameters"), i.out());

        Tensor x = new Tensor(2, 1, 28, 28);
        for (int k = 0; k < x.size(); k++) x.data[k] = (k % 97) / 97f;
        Npy.write(x, dir.resolve("x.npy"));
        for (String model : new String[] {onnx.toString(), imported.toString()}) {
            Path y = dir.resolve(model.endsWith(".onnx") ? "y1.npy" : "y2.npy");
            Cli p = Cli.run("predict", "--model", model, "--input", dir.resolve("x.npy").toString(), "--out", y.toString());
            assertEquals(0, p.code(), p.toString());
        }
        Tensor y1 = Npy.read(dir.resolve("y1.npy")), y2 = Npy.read(dir.resolve("y2.npy"));
        assertArrayEquals(new int[] {2, 10}, y1.shape());
        assertArrayEquals(y1.data, y2.data, 0f);
        // the same as ONNX TensorProto files in and out
        org.striate.onnx.Onnx.writeTensor(x, "input", dir.resolve("x.pb"));
        Cli pb = Cli.run("predict", "--model", onnx.toString(), "--input", dir.resolve("x.pb").toString(), "--out", dir.resolve("y.pb").toString());
        assertEquals(0, pb.code(), pb.toString());
        Tensor y3 = org.striate.onnx.Onnx.readTensor(dir.resolve("y.pb"));
        assertArrayEquals(y1.shape(), y3.shape());
        assertArrayEquals(y1.data, java.util.Arrays.copyOf(y3.data, y3.size()), 0f);
        Graph g = ModelFile.load(imported);
        assertEquals(61_706, g.paramCount());
        assertEquals(0, Cli.run("summary", "--model", onnx.toString()).code());
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, new byte[] {0x3a, 0x7f, 0x01});
        Cli i = Cli.run("import", broken.toString(), "--out", dir.resolve("m.striate").toString());
        assertEquals(2, i.code(), i.toString());
        assertEquals(1, i.errLines().length, i.toString());
        assertTrue(i.err().contains("broken.onnx"), i.err());
        assertFalse(Files.exists(dir.resolve("m.striate")));
        Cli lc = Cli.run("export", "--model", "lc", "--out", dir.resolve("lc.onnx").toString());
        assertEquals(2, lc.code(), lc.toString());
        assertTrue(lc.err().contains("LocallyConnected2d"), lc.err());
        assertFalse(Files.exists(dir.resolve("lc.onnx")));
        Cli npy = Cli.run("predict", "--model", "lenet5.onnx", "--input", "x.npy");
        assertEquals(2, npy.code(), npy.toString());
    }
}
