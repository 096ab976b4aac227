package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("m.csv");
        AtomicFile.write(f, out -> out.write(new byte[] {1, 2, 3}));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(9);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("No space left on device"), e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of("m.csv"), names());
    }

    @Test
    void aFullDiskNamesTheModelFile() throws IOException {
        Path f = dir.resolve("model.striate");
        IOException e = assertThrows(IOException.class, () -> ModelFileWriter.save(ModelFileTest.smallModel(1), f, out -> new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException { throw new IOException("No space left on device"); }
        }));
        assertTrue(e.getMessage().startsWith("Cannot write " + f), e.getMessage());
        assertEquals(List.of(), names());
    }

    @Test
    void temporariesLeftByAKilledWriteAreRemovedByTheNextOne() throws IOException {
        Path f = dir.resolve("m.striate");
        Files.write(dir.resolve(".m.striate.1x2y3z.tmp"), new byte[0]);
        Files.write(dir.resolve(".other.striate.1x2y3z.tmp"), new byte[0]);
        AtomicFile.write(f, out -> out.write(7));
        assertEquals(List.of(".other.striate.1x2y3z.tmp", "m.striate"), names());
    }

    @Test
    void onlyRegularFilesAreWritten() throws IOException {
        OutputPathException e = assertThrows(OutputPathException.class, () -> AtomicFile.write(dir, OutputStream::flush));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path devNull = Path.of("/dev/null");
        if (Files.exists(devNull)) {
            e = assertThrows(OutputPathException.class, () -> AtomicFile.checkTarget(devNull, "--out"));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {1});
        e = assertThrows(OutputPathException.class, () -> AtomicFile.checkTarget(file.resolve("a/b.striate"), "--out"));
        assertTrue(e.getMessage().contains(file + " is a file, not a directory"), e.getMessage());
        AtomicFile.checkTarget(dir.resolve("new/dir/m.striate"), "--out");     // a new path is fine
        assertFalse(Files.exists(dir.resolve("new")));
    }
}
