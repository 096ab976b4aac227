package org.striate.io;

import java.io.IOException;
import java.nio.file.Path;
import org.striate.nn.Sequential;

/**
 * Saves and loads a trained model — architecture, input normalisation, class names, parameters and
 * layer state — in the versioned binary format described in docs/MODEL_FORMAT.md.
 *
 * <pre>{@code
 * ModelFile.save(model, Path.of("fashion.striate"));
 * Sequential same = ModelFile.load(Path.of("fashion.striate"));
 * }</pre>
 *
 * Saving never leaves a half-written file: it writes a temporary file in the same directory and
 * renames it over the target only once complete. Loading checks every declared size against the
 * file before allocating and reports any bad file as a {@link ModelFormatException}.
 */
public final class ModelFile {
    /** "\x89STRM\r\n\x1A": the non-ASCII first byte and the CR LF catch files mangled as text, as in PNG. */
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'T', 'R', 'M', '\r', '\n', 0x1A};
    /** The format version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    /** The usual file name extension. */
    public static final String EXTENSION = ".striate";

    static final String ARCH = "ARCH", NORM = "NORM", CLAS = "CLAS", PARM = "PARM", STAT = "STAT", END = "END ";
    /** magic, u32 version, u64 total file length */
    static final int HEADER = MAGIC.length + 4 + 8;
    /** tag + length */
    static final int SECTION_HEADER = 8;
    static final int CRC = 4;

    private ModelFile() {}

    /** Writes the model to {@code file} atomically; an existing file is replaced only by a complete one. */
    public static void save(Sequential model, Path file) throws IOException { ModelFileWriter.save(model, file); }

    /** Reads a model saved by {@link #save}; throws {@link ModelFormatException} for any bad file. */
    public static Sequential load(Path file) throws IOException { return ModelFileReader.load(file); }

    /** The bytes {@link #save} would write, e.g. to ship a model to other machines. */
    public static byte[] toBytes(Sequential model) { return ModelFileWriter.toBytes(model); }

    /** A model from the bytes of a model file; {@code source} names them in error messages. */
    public static Sequential fromBytes(byte[] bytes, String source) { return ModelFileReader.decode(bytes, source); }
}
