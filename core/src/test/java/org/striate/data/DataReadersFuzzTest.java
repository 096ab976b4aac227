package org.striate.data;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.striate.StriateException;
import org.striate.fuzz.FuzzInputs;

/**
 * Fuzzes every reader of data files: IDX (raw, and gzip both as damaged streams and as compressed
 * mutations), CIFAR-10 batches with their class-name file, and images. Each must return or throw a
 * {@link StriateException} ({@link DataFormatException}, or a TooLargeException when what a header
 * declares does not fit the heap); anything else, including running out of the fuzzing heap, is a finding.
 */
class DataReadersFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void idxRaw(byte[] data) throws IOException {
        readIdx(FuzzInputs.file("fuzzed-idx", data));
    }

    /** The first byte chooses: the rest as a (probably broken) gzip stream, or the rest gzip-compressed. */
    @FuzzTest(maxDuration = "10s")
    void idxGzip(byte[] data) throws IOException {
        if (data.length == 0) return;
        byte[] rest = java.util.Arrays.copyOfRange(data, 1, data.length);
        byte[] bytes;
        if ((data[0] & 1) == 0) {
            bytes = new byte[rest.length + 2];
            bytes[0] = 0x1F;
            bytes[1] = (byte) 0x8B;
            System.arraycopy(rest, 0, bytes, 2, rest.length);
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(rest);
            }
            bytes = out.toByteArray();
        }
        readIdx(FuzzInputs.file("fuzzed-idx.gz", bytes));
    }

    private static void readIdx(Path f) throws IOException {
        try {
            IdxFiles.readImages(f);
        } catch (StriateException expected) {
            // refused with a message naming the file (a DataFormatException, or a TooLargeException with the figures)
        }
        try {
            IdxFiles.readLabels(f);
        } catch (StriateException expected) {
            // refused with a message naming the file (a DataFormatException, or a TooLargeException with the figures)
        }
    }

    /** A class-name file then a batch; the batch is cut to whole records half the time, so labels and pixels get read. */
    @FuzzTest(maxDuration = "10s")
    void cifar(FuzzedDataProvider in) throws IOException {
        Path meta = FuzzInputs.file("batches.meta.txt", in.consumeBytes(in.consumeInt(0, 200)));
        boolean whole = in.consumeBoolean();
        byte[] batch = in.consumeRemainingAsBytes();
        if (whole && batch.length > Cifar10.RECORD) batch = java.util.Arrays.copyOf(batch, batch.length - batch.length % Cifar10.RECORD);
        Path f = FuzzInputs.file("data_batch_1.bin", batch);
        try {
            String[] names = Cifar10.readClassNames(meta);
            Cifar10.read(List.of(f), names);
        } catch (StriateException expected) {
            // refused with a message naming the file (a DataFormatException, or a TooLargeException with the figures)
        }
    }

    @FuzzTest(maxDuration = "10s")
    void image(FuzzedDataProvider in) {
        int channels = in.consumeBoolean() ? 1 : 3;
        int size = in.consumeInt(1, 40);
        Path f = FuzzInputs.file("fuzzed-image", in.consumeRemainingAsBytes());
        try {
            ImageReader.read(f, channels, size, size, Resize.AREA);
        } catch (StriateException expected) {
            // refused with a message naming the file (a DataFormatException, or a TooLargeException with the figures)
        }
    }
}
