package org.striate.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protobuf's wire format; a nested message is written to its own writer and added as bytes. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(int field, long v) {
        tag(field, ProtoReader.VARINT);
        raw(v);
        return this;
    }

    ProtoWriter string(int field, String s) { return bytes(field, s.getBytes(StandardCharsets.UTF_8)); }

    ProtoWriter message(int field, ProtoWriter m) { return bytes(field, m.out.toByteArray()); }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, ProtoReader.LEN);
        raw(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    ProtoWriter float32(int field, float f) {
        tag(field, ProtoReader.FIXED32);
        int bits = Float.floatToRawIntBits(f);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    byte[] toBytes() { return out.toByteArray(); }

    private void tag(int field, int wire) { raw((long) field << 3 | wire); }

    private void raw(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
