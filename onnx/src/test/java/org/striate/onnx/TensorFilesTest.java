package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.StriateException;
import org.striate.io.Npy;
import org.striate.tensor.Tensor;

/** TensorProto (.pb) files as ONNX's test data keeps them: read, written, and refused when damaged. */
class TensorFilesTest {
    static final Path PB = PyTorchFixturesTest.DIR.resolve("keras-cnn.input.pb");

    @Test
    void readsOnnxsOwnFilesAndWritesTheSameBytes(@TempDir Path dir) throws Exception {
        Tensor x = Onnx.readTensor(PB);
        Tensor npy = Npy.read(PyTorchFixturesTest.DIR.resolve("keras-cnn.input.npy"));
        assertArrayEquals(npy.shape(), x.shape());
        assertArrayEquals(npy.data, Arrays.copyOf(x.data, x.size()), 0f);
        Path out = dir.resolve("again.pb");
        Onnx.writeTensor(x, "input", out);
        assertArrayEquals(Files.readAllBytes(PB), Files.readAllBytes(out), "byte for byte what onnx.numpy_helper wrote");
    }

    @Test
    void damagedFilesGiveTheTypedException(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(PB);
        Path f = dir.resolve("x.pb");
        Random r = new Random(2);
        for (int n = 0; n < full.length; n += 1 + r.nextInt(97)) {
            Files.write(f, Arrays.copyOf(full, n));
            int at = n;
            StriateException e = assertThrows(StriateException.class, () -> Onnx.readTensor(f), () -> "truncated to " + at + " bytes");
            assertTrue(e.getMessage().contains("x.pb"), e.getMessage());
        }
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = full.clone();
            b[r.nextInt(64)] ^= (byte) (1 << r.nextInt(8)); // the header: dims, type, name, lengths
            Files.write(f, b);
            try {
                Onnx.readTensor(f);
            } catch (StriateException e) {
                assertTrue(e.getMessage().contains("x.pb"), e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("trial " + trial + " threw " + t, t);
            }
        }
        Files.write(f, Files.readAllBytes(PyTorchFixturesTest.DIR.resolve("keras-cnn.input.npy")));
        assertThrows(StriateException.class, () -> Onnx.readTensor(f), "a .npy file is not a TensorProto");
    }
}
