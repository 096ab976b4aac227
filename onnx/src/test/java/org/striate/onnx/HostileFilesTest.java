package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.StriateException;

/** Truncated, damaged and hostile files give a typed exception naming the problem, never another throwable. */
class HostileFilesTest {
    static final Path DIR = PyTorchFixturesTest.DIR;

    @Test
    void truncationAtEveryByteIsRefused() throws Exception {
        byte[] full = Files.readAllBytes(DIR.resolve("view-flatten-opset13.onnx"));
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            int at = n;
            StriateException e = assertThrows(StriateException.class, () -> Onnx.fromBytes(cut, "cut"), () -> "truncated to " + at + " bytes");
            assertTrue(e.getMessage().startsWith("cut") || e.getMessage().contains("cut"), e.getMessage());
        }
    }

    @Test
    void randomByteFlipsGiveOnlyTypedExceptions() throws Exception {
        byte[] full = Files.readAllBytes(DIR.resolve("resnet-opset17.onnx"));
        Random r = new Random(1);
        int refused = 0;
        for (int trial = 0; trial < 800; trial++) {
            byte[] b = full.clone();
            for (int k = 0, flips = 1 + r.nextInt(4); k < flips; k++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                Onnx.fromBytes(b, "flipped");
            } catch (StriateException e) {
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("trial " + trial + " threw " + t, t);
            }
        }
        assertTrue(refused > 30, "most damage in the structure is noticed: " + refused);
    }

    @Test
    void aFolderOrADeviceIsNamedForWhatItIs(@TempDir Path dir) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> Onnx.load(dir));
        assertTrue(e.getMessage().contains(dir + " is a directory"), e.getMessage());
        e = assertThrows(OnnxFormatException.class, () -> Onnx.load(dir.resolve("none.onnx")));
        assertTrue(e.getMessage().contains("none.onnx does not exist"), e.getMessage());
        Path devNull = Path.of("/dev/null");
        if (Files.exists(devNull)) {
            e = assertThrows(OnnxFormatException.class, () -> Onnx.load(devNull));
            assertTrue(e.getMessage().contains("/dev/null is not a regular file"), e.getMessage());
        }
    }

    @Test
    void hugeDeclaredLengthsAllocateNothing() {
        // a graph field claiming 2^31 bytes, and a tensor whose dims claim 2^40 floats in a few bytes
        byte[] graph = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
        StriateException e = assertThrows(StriateException.class, () -> Onnx.fromBytes(graph, "huge"));
        assertTrue(e.getMessage().contains("bytes where only"), e.getMessage());
        ProtoWriter tensor = new ProtoWriter().varint(1, 1L << 20).varint(1, 1L << 20).varint(2, 1).string(8, "w");
        byte[] model = new ProtoWriter().message(7, new ProtoWriter().message(5, tensor)).toBytes();
        e = assertThrows(OnnxFormatException.class, () -> Onnx.fromBytes(model, "dims"));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }

    @Test
    void unsupportedOperatorsAreListedTogether() {
        ProtoWriter g = new ProtoWriter()
                .message(1, node("Conv", "c", "input", "w", "y1"))
                .message(1, node("Erf", "e1", "y1", null, "y2"))
                .message(1, node("Relu", "r", "y2", null, "y3"))
                .message(1, node("Hardmax", "h", "y3", null, "y4"))
                .message(5, new ProtoWriter().varint(1, 2).varint(1, 1).varint(1, 1).varint(1, 1).varint(2, 1).string(8, "w")
                        .bytes(9, new byte[8]))
                .message(11, valueInfo("input", 1, 1, 4, 4)).message(12, valueInfo("y4", 1, 2, 4, 4));
        byte[] model = new ProtoWriter().message(7, g).message(8, new ProtoWriter().varint(2, 17)).toBytes();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> Onnx.fromBytes(model, "m.onnx"));
        assertTrue(e.getMessage().contains("'e1' (Erf)") && e.getMessage().contains("'h' (Hardmax)") && e.getMessage().contains("opset 17"), e.getMessage());
    }

    static ProtoWriter node(String op, String name, String in1, String in2, String out) {
        ProtoWriter n = new ProtoWriter().string(1, in1);
        if (in2 != null) n.string(1, in2);
        return n.string(2, out).string(3, name).string(4, op);
    }

    static ProtoWriter valueInfo(String name, long... dims) {
        ProtoWriter s = new ProtoWriter();
        for (long d : dims) s.message(1, new ProtoWriter().varint(1, d));
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, 1).message(2, s)));
    }

    @Test
    void externalDataOnlyFromTheModelsFolder(@TempDir Path dir) throws Exception {
        byte[] model = Files.readAllBytes(DIR.resolve("lenet-dynamo.onnx"));
        String data = "lenet-dynamo.onnx.data";
        Path sub = Files.createDirectories(dir.resolve("models"));
        Files.write(sub.resolve("m.onnx"), model);
        OnnxFormatException missing = assertThrows(OnnxFormatException.class, () -> Onnx.load(sub.resolve("m.onnx")));
        assertTrue(missing.getMessage().contains(data), missing.getMessage());
        // the same bytes pointing one folder up: refused before any file is opened
        byte[] escaped = new String(model, StandardCharsets.ISO_8859_1).replace(data, "../" + data.substring(3)).getBytes(StandardCharsets.ISO_8859_1);
        Files.copy(DIR.resolve(data), dir.resolve(data.substring(3)));
        Files.write(sub.resolve("up.onnx"), escaped);
        OnnxFormatException up = assertThrows(OnnxFormatException.class, () -> Onnx.load(sub.resolve("up.onnx")));
        assertTrue(up.getMessage().contains("model's own folder"), up.getMessage());
        Files.copy(DIR.resolve(data), sub.resolve(data));
        Files.write(sub.resolve(data), java.util.Arrays.copyOf(Files.readAllBytes(DIR.resolve(data)), 1000));
        OnnxFormatException shortData = assertThrows(OnnxFormatException.class, () -> Onnx.load(sub.resolve("m.onnx")));
        assertTrue(shortData.getMessage().contains("too few"), shortData.getMessage());
    }
}
