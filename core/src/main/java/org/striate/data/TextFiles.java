package org.striate.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the text files Striate takes from users (specs, class names, metrics): strict UTF-8, with a
 * size limit, and errors that name the file and the byte offset, e.g. for a Latin-1 file, a binary
 * file or a compressed one given by mistake.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The whole of {@code file} as UTF-8 text; {@code what} names it in messages ("spec file"), {@code maxBytes} bounds it. */
    public static String read(Path file, String what, long maxBytes) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException("The " + what + " " + file + " does not exist. Check the path.");
        }
        if (!Files.isRegularFile(file)) throw new DataFormatException("The " + what + " " + file + " is not a regular file. Expected a text file.");
        if (size > maxBytes) {
            throw new DataFormatException("The " + what + " " + file + " has " + size + " bytes; at most " + maxBytes + " are read."
                    + " Expected a small text file; is this the right file?");
        }
        return decode(Files.readAllBytes(file), file + "", what);
    }

    /** Decodes UTF-8 strictly; the error names the first byte that is not UTF-8. */
    static String decode(byte[] bytes, String source, String what) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            boolean gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
            throw new DataFormatException("The " + what + " " + source + " is not UTF-8 text: byte " + in.position() + " (0x"
                    + String.format("%02X", bytes[in.position()]) + ") is not valid UTF-8"
                    + (gzip ? "; the file is gzip-compressed, decompress it first." : ". Expected a text file saved as UTF-8 (or ASCII)."));
        }
        return out.flip().toString();
    }

}
