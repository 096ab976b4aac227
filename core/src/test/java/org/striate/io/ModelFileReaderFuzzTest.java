package org.striate.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.striate.fuzz.FuzzInputs;
import org.striate.nn.Graph;

/**
 * Fuzzes the model file reader. The checksum would stop almost every mutation at the CRC, so each
 * input is also read a second time with its header length and CRC32 repaired, which lets the
 * mutations reach the sections behind it. A model that loads must also run one sample forward.
 */
class ModelFileReaderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void modelFile(byte[] data) {
        read(data);
        if (data.length >= ModelFile.HEADER + ModelFile.CRC) read(repaired(data));
    }

    private static void read(byte[] bytes) {
        Graph model;
        try {
            model = ModelFile.fromBytes(bytes, "fuzzed.striate");
        } catch (ModelFormatException expected) {
            return;
        }
        FuzzInputs.runOneSample(model);
    }

    /** The same bytes with the magic, a declared length that matches and a correct CRC32. */
    static byte[] repaired(byte[] data) {
        byte[] b = data.clone();
        System.arraycopy(ModelFile.MAGIC, 0, b, 0, ModelFile.MAGIC.length);
        ByteBuffer.wrap(b).putLong(ModelFile.MAGIC.length + 4, b.length);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - ModelFile.CRC);
        ByteBuffer.wrap(b).putInt(b.length - ModelFile.CRC, (int) crc.getValue());
        return b;
    }

}
