package org.striate.io;

import java.io.IOException;
import java.nio.file.Path;
import org.striate.nn.Graph;

/**
 * Saves and loads a trained model — architecture, input normalisation, class names, parameters and
 * layer state — in the versioned binary format described in docs/MODEL_FORMAT.md.
 *
 * <pre>{@code
 * ModelFile.save(model, Path.of("fashion.striate"));
 * Graph same = ModelFile.load(Path.of("fashion.striate"));
 * }</pre>
 *
 * Saving never leaves a half-written file: it writes a temporary file in the same directory and
 * renames it over the target only once complete. Loading checks every declared size against the
 * file before allocating and reports any bad file as a {@link ModelFormatException}.
 */
public final class ModelFile {
    /** "\x89STRM\r\n\x1A": the non-ASCII first byte and the CR LF catch files mangled as text, as in PNG. */
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'T', 'R', 'M', '\r', '\n', 0x1A};
    /**
     * The format version this code writes and the newest it reads. Version 2 added graphs: its
     * architecture text may name nodes and say which nodes each reads ({@code name=}, {@code in=});
     * version 1 files (plain stacks) read as before.
     */
    public static final int VERSION = 2;
    /** The usual file name extension. */
    public static final String EXTENSION = ".striate";

    static final String ARCH = "ARCH", NORM = "NORM", CLAS = "CLAS", PARM = "PARM", STAT = "STAT", END = "END ";
    /** Optional: how the model was trained ({@link Graph#training()}), UTF-8 text; written only when there is some. */
    static final String TRAN = "TRAN";
    /** magic, u32 version, u64 total file length */
    static final int HEADER = MAGIC.length + 4 + 8;
    /** tag + length */
    static final int SECTION_HEADER = 8;
    static final int CRC = 4;

    private ModelFile() {}

    /**
     * Whether {@code file} is a model file, told by its first bytes (the magic's 0x89 'S' 'T' 'R'), never
     * by its name: the one rule every command uses to tell a trained model from a spec file.
     */
    public static boolean isModelFile(Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) return false;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && java.util.Arrays.equals(head, java.util.Arrays.copyOf(MAGIC, 4));
        }
    }

    /** Writes the model to {@code file} atomically; an existing file is replaced only by a complete one. */
    public static void save(Graph model, Path file) throws IOException { ModelFileWriter.save(model, file); }

    /** Reads a model saved by {@link #save}; throws {@link ModelFormatException} for any bad file. */
    public static Graph load(Path file) throws IOException { return ModelFileReader.load(file); }

    /** The bytes {@link #save} would write, e.g. to ship a model to other machines. */
    public static byte[] toBytes(Graph model) { return ModelFileWriter.toBytes(model); }

    /** A model from the bytes of a model file; {@code source} names them in error messages. */
    public static Graph fromBytes(byte[] bytes, String source) { return ModelFileReader.decode(bytes, source); }
}
