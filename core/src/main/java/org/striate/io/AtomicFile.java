package org.striate.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.function.UnaryOperator;

/**
 * Writes a file so that it is either the old one or the complete new one, never a part: into a
 * temporary file beside it (".NAME.RANDOM.tmp"), forced to disk, then renamed over it (model files,
 * checkpoints, metrics, ONNX exports). Only regular
 * files (or new paths) are written: a device such as /dev/null is refused, not replaced.
 *
 * <pre>{@code
 * AtomicFile.write(Path.of("out.csv"), out -> out.write(bytes));
 * }</pre>
 */
public final class AtomicFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFile() {}

    /** What goes into the file, written to a buffered stream. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Checks that {@code file} may be written: it is a regular file or does not exist, and its nearest
     * existing ancestor is a directory. {@code what} names the file in the message ("--out").
     */
    public static void checkTarget(Path file, String what) {
        Path target = file.toAbsolutePath();
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            String kind = Files.isDirectory(target) ? "a directory" : "not a regular file (a device, pipe or socket)";
            throw new OutputPathException(what + " " + file + " is " + kind + "; Striate writes only regular files."
                    + " Expected the path of a new or existing regular file.");
        }
        for (Path p = target.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new OutputPathException(what + " " + file + " cannot be written: " + p + " is a file, not a directory."
                            + " Expected a path inside a directory.");
                }
                return;
            }
        }
    }

    /**
     * Checks, before any work, that files may be written into the folder {@code dir} (created if
     * missing): it is a directory or does not exist, and its nearest existing ancestor is a directory.
     * Commands that write a folder call it first, so a bad --out is refused at once, not after the work.
     */
    public static void checkDirectory(Path dir, String what) {
        Path target = dir.toAbsolutePath();
        for (Path p = target; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (Files.isDirectory(p)) return;
                String kind = Files.isRegularFile(p) ? "a file" : "not a regular file or directory (a device, pipe or socket)";
                throw new OutputPathException(what + " " + dir + " cannot be written into: " + (p.equals(target) ? "it" : p.toString())
                        + " is " + kind + ", not a directory. Expected a folder, or a path where one can be created.");
            }
        }
    }

    /** Writes {@code file} atomically from {@code body}; on any failure the old file is left as it was. */
    public static void write(Path file, Body body) throws IOException { write(file, body, out -> out); }

    /** {@code wrap} lets tests put a failing or stalling stream under the writer, as a full disk or a kill would. */
    static void write(Path file, Body body, UnaryOperator<OutputStream> wrap) throws IOException {
        checkTarget(file, "Output file");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        removeStaleTemporaries(target);
        // same directory, so the final rename stays on one file system and is atomic
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        boolean moved = false;
        try {
            // CREATE_NEW keeps the usual permissions (umask), unlike Files.createTempFile's owner-only ones
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                keepPermissions(target, tmp);
                OutputStream out = new java.io.BufferedOutputStream(wrap.apply(Channels.newOutputStream(channel)), 1 << 16);
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
        } catch (IOException e) {
            // a full disk says "No space left on device" and nothing more: say which file
            throw new IOException("Cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            // closed by now on every path, so the delete also works where open files cannot be deleted
            if (!moved) Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Temporary files of this target left by a process that was killed while writing it. */
    private static void removeStaleTemporaries(Path target) {
        String prefix = "." + target.getFileName() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(target.getParent(), p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp") && n.substring(prefix.length(), n.length() - 4).matches("[0-9a-z]{1,13}");
        })) {
            for (Path p : s) if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file costs only space; the write itself does not depend on it
        }
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
