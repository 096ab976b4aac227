package org.striate.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.io.AtomicFile;
import org.striate.nn.Graph;

/**
 * ONNX models in and out. {@link #load} imports what PyTorch's and Keras's exporters write for CNNs
 * (opsets 9 to 22; the operators are listed in the README) into a Striate graph that evaluates,
 * predicts and trains like any other; {@link #save} writes any model whose layers have an ONNX
 * operator. The protobuf is read and written by this module itself (no run-time dependency), and
 * reading checks every length against the bytes in the file.
 */
public final class Onnx {
    private Onnx() {}

    /** The metadata_props key of the class names, a JSON array of strings. */
    public static final String CLASS_NAMES = "class_names";
    public static final int DEFAULT_OPSET = 17, MIN_EXPORT_OPSET = 13, MAX_EXPORT_OPSET = 18;
    static final String VERSION = "0.1.0";
    /** Files beyond this size do not fit one Java array; external data files have no such limit per tensor below 2 GiB. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 8;

    /** Whether {@code path} names an ONNX file (by its extension, as every exporter writes it). */
    public static boolean isOnnxFile(Path path) { return path.getFileName() != null && path.getFileName().toString().toLowerCase().endsWith(".onnx"); }

    /** Imports an ONNX model; external data files are read from the model's own folder only. */
    public static Graph load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            // a folder or a device exists: saying it does not would send the user looking for the wrong mistake
            String what = !Files.exists(file) ? "does not exist" : Files.isDirectory(file) ? "is a directory" : "is not a regular file (a device, pipe or socket)";
            throw new OnnxFormatException("ONNX file " + file + " " + what + ". Expected a model exported from PyTorch (torch.onnx.export) or Keras.");
        }
        long size = Files.size(file);
        if (size > MAX_FILE) throw new OnnxFormatException("ONNX file " + file + " has " + size + " bytes. Expected at most 2 GiB; keep the weights in an external data file.");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxFormatException("ONNX file " + file + " does not exist.", e);
        }
        return decode(bytes, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Imports an ONNX model held in memory (it must keep its weights inside). */
    public static Graph fromBytes(byte[] bytes, String source) { return decode(bytes, source, null); }

    private static Graph decode(byte[] bytes, String source, Path dir) {
        try {
            return OnnxImporter.load(OnnxDecoder.decode(bytes, source, dir), source);
        } catch (OnnxFormatException e) {
            throw e;
        } catch (StriateException e) {
            throw new OnnxFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code path} names a TensorProto file ({@code .pb}, as in ONNX's test data). */
    public static boolean isTensorFile(Path path) { return path.getFileName() != null && path.getFileName().toString().toLowerCase().endsWith(".pb"); }

    /** Reads a float32 TensorProto file (batch first), as ONNX's test data keeps inputs and outputs. */
    public static org.striate.tensor.Tensor readTensor(Path file) throws IOException { return TensorFiles.read(file); }

    /** Writes {@code t} as a float32 TensorProto named {@code name}, whole or not at all. */
    public static void writeTensor(org.striate.tensor.Tensor t, String name, Path file) throws IOException { TensorFiles.write(t, name, file); }

    /** The model as ONNX bytes at {@code opset} (13 to 18). */
    public static byte[] toBytes(Graph model, int opset) { return OnnxExporter.export(model, opset); }

    public static void save(Graph model, Path file) throws IOException { save(model, file, DEFAULT_OPSET); }

    /** Writes the model as ONNX at {@code opset}, whole or not at all (temporary file, then renamed). */
    public static void save(Graph model, Path file, int opset) throws IOException {
        byte[] bytes = toBytes(model, opset);
        AtomicFile.write(file, out -> out.write(bytes));
    }
}
