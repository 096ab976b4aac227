package org.striate.tensorboard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protocol-buffer wire format to write TensorBoard's messages: varints, 32- and
 * 64-bit little-endian numbers, length-delimited bytes and nested messages, packed doubles. Fields are
 * written in the order given; zero values are written too (the readers accept both).
 */
final class Protobuf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static final int VARINT = 0, FIXED64 = 1, BYTES = 2, FIXED32 = 5;

    Protobuf varint(int field, long v) {
        tag(field, VARINT);
        rawVarint(v);
        return this;
    }

    Protobuf fixed64(int field, double v) {
        tag(field, FIXED64);
        rawLittleEndian(Double.doubleToLongBits(v), 8);
        return this;
    }

    Protobuf fixed32(int field, float v) {
        tag(field, FIXED32);
        rawLittleEndian(Float.floatToIntBits(v) & 0xFFFFFFFFL, 4);
        return this;
    }

    Protobuf bytes(int field, byte[] b) {
        tag(field, BYTES);
        rawVarint(b.length);
        out.writeBytes(b);
        return this;
    }

    Protobuf string(int field, String s) { return bytes(field, s.getBytes(StandardCharsets.UTF_8)); }

    Protobuf message(int field, Protobuf m) { return bytes(field, m.toByteArray()); }

    /** A packed repeated double field: one length, then 8 bytes per value. */
    Protobuf packedDoubles(int field, double[] values) {
        tag(field, BYTES);
        rawVarint(values.length * 8L);
        for (double v : values) rawLittleEndian(Double.doubleToLongBits(v), 8);
        return this;
    }

    byte[] toByteArray() { return out.toByteArray(); }

    private void tag(int field, int wireType) { rawVarint(((long) field << 3) | wireType); }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void rawLittleEndian(long v, int bytes) {
        for (int i = 0; i < bytes; i++) out.write((int) (v >>> (8 * i)) & 0xFF);
    }
}
