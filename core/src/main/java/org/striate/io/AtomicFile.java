package org.striate.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.function.UnaryOperator;

/**
 * Writes a file whole or not at all: into a temporary file beside the target, forced to disk, then
 * renamed over it. A run that is killed or fails never leaves a partial file. Model files and ONNX
 * exports are written this way.
 */
public final class AtomicFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFile() {}

    /** What goes into the file, written to a buffered stream. */
    public interface Body { void write(OutputStream out) throws IOException; }

    public static void write(Path file, Body body) throws IOException { write(file, body, out -> out); }

    /** {@code wrap} lets tests put a failing stream under the writer, as a full disk would. */
    static void write(Path file, Body body, UnaryOperator<OutputStream> wrap) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // same directory, so the final rename stays on one file system and is atomic
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        // CREATE_NEW keeps the usual permissions (umask), unlike Files.createTempFile's owner-only ones
        FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean moved = false;
        try {
            try (channel) {
                keepPermissions(target, tmp);
                OutputStream out = new BufferedOutputStream(wrap.apply(Channels.newOutputStream(channel)), 1 << 16);
                body.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            // closed by now on every path, so the delete also works where open files cannot be deleted
            if (!moved) Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** A replaced file keeps its permissions (where the file system has POSIX ones). */
    private static void keepPermissions(Path target, Path tmp) {
        try {
            if (Files.exists(target)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not POSIX, or not allowed: the new file keeps the default permissions
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // best effort only: the file content is already forced to disk
        }
    }
}
