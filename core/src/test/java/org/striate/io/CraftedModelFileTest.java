package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;

/**
 * Files with a valid checksum whose content lies — what a buggy writer or a hand-made file could
 * produce: each must be refused with a ModelFormatException before anything of the declared size is
 * allocated.
 */
class CraftedModelFileTest {
    @TempDir Path dir;

    /** Assembles a model file from (tag, payload) pairs, with a correct length and CRC. */
    static byte[] file(int version, Object... tagsAndPayloads) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (int i = 0; i < tagsAndPayloads.length; i += 2) {
            byte[] payload = (byte[]) tagsAndPayloads[i + 1];
            out.write(((String) tagsAndPayloads[i]).getBytes(StandardCharsets.US_ASCII));
            out.writeInt(payload.length);
            out.write(payload);
        }
        out.write(ModelFile.END.getBytes(StandardCharsets.US_ASCII));
        out.writeInt(0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream a = new DataOutputStream(all);
        a.write(ModelFile.MAGIC);
        a.writeInt(version);
        a.writeLong(ModelFile.HEADER + body.size() + 4L);
        a.write(body.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(all.toByteArray());
        a.writeInt((int) crc.getValue());
        return all.toByteArray();
    }

    static byte[] ints(int... v) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        for (int x : v) out.writeInt(x);
        return b.toByteArray();
    }

    static byte[] text(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    String load(byte[] bytes) throws IOException {
        Path f = dir.resolve("crafted.striate");
        Files.write(f, bytes);
        ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theHandMadeEncoderMatchesTheWriter() throws IOException {
        Graph m = Sequential.builder(1, 2, 2).add(new org.striate.nn.Flatten()).add(new org.striate.nn.Dense(1)).build(3);
        Path f = dir.resolve("m");
        ModelFile.save(m.classNames("x"), f);
        byte[] params = ints(Float.floatToRawIntBits(m.params()[0]), Float.floatToRawIntBits(m.params()[1]),
                Float.floatToRawIntBits(m.params()[2]), Float.floatToRawIntBits(m.params()[3]), Float.floatToRawIntBits(m.params()[4]));
        byte[] expected = file(ModelFile.VERSION, "ARCH", text(m.spec()), "NORM", ints(1, 0, Float.floatToRawIntBits(1f)),
                "CLAS", concat(ints(1, 1), text("x")), "PARM", concat(ints(5), params), "STAT", ints(2, 0, 0));
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void hugeArchitectureWithFewParametersIsRefusedBeforeBuilding() throws IOException {
        String m = load(file(1, "ARCH", text("input 1x1000x1000\nflatten\ndense 1000\n"), "PARM", ints(0)));
        assertTrue(m.contains("needs 1000001000 parameters but the file holds 0"), m);
    }

    @Test
    void countsLargerThanTheirSectionAreRefused() throws IOException {
        String arch = "input 1x1x1\nflatten\ndense 1\n";
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(-1))).contains("declares 4294967295 items"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0), "CLAS", ints(0x7FFFFFFF))).contains("'CLAS'"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0), "CLAS", ints(1, 1000))).contains("'CLAS'"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0), "NORM", ints(100000))).contains("'NORM'"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0), "STAT", ints(5, 0, 0, 0, 0, 0))).contains("state for 5 layers"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0), "STAT", ints(2, 0, 3, 1, 2, 3))).contains("keeps 0 state values"));
        assertTrue(load(file(1, "ARCH", text(arch), "PARM", ints(2, 0, 0, 0))).contains("left over"));
    }

    @Test
    void badSectionsAndArchitecturesAreRefused() throws IOException {
        assertTrue(load(file(1, "PARM", ints(0))).contains("no 'ARCH' section"));
        assertTrue(load(file(1, "ARCH", text("input 1x1x1\nwarp 9\n"), "PARM", ints(0))).contains("does not know"));
        // rejected when parsed or when built, depending on where the layer checks its input shape
        assertTrue(load(file(1, "ARCH", text("input 1x4x4\nconv 1 9x9\n"), "PARM", ints(0))).contains("output shape would be"));
        assertTrue(load(file(1, "ARCH", text("input 1x1x1\nflatten\n"), "PARM", ints(0), "PARM", ints(0))).contains("appears twice"));
        assertTrue(load(file(1, "ARCH", text("input 1x1x1\nflatten\n"), "PARM", ints(0), "NORM", ints(1, 0, 0))).contains("normalisation"));
        assertTrue(load(file(0, "ARCH", text("input 1x1x1\nflatten\n"), "PARM", ints(0))).contains("version 0"));
        assertTrue(load(file(ModelFile.VERSION + 1, "ARCH", text("input 1x1x1\nflatten\n"), "PARM", ints(0))).contains("Upgrade Striate"));
    }

    @Test
    void unknownSectionsAreSkippedAndOptionalOnesDefault() throws IOException {
        Path f = dir.resolve("extra.striate");
        Files.write(f, file(1, "XTRA", text("written by a later minor revision"), "ARCH", text("input 1x1x2\nflatten\ndense 1\n"),
                "PARM", ints(3, Float.floatToRawIntBits(0.5f), Float.floatToRawIntBits(-2f), Float.floatToRawIntBits(0.25f))));
        Graph m = ModelFile.load(f);
        assertArrayEquals(new float[] {0.5f, -2f, 0.25f}, m.params());
        assertArrayEquals(new float[] {0f}, m.mean());
        assertEquals(0, m.classNames().length);
    }
}
