package org.striate.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf's wire format from a byte range: varints, fixed 32/64-bit values and
 * length-delimited fields, each checked against the bytes left, so a truncated or damaged message
 * fails here with {@link OnnxFormatException} and no length read from the file can make it allocate
 * more than the bytes it has. The ONNX messages read with it nest to a fixed depth: a message field
 * is read by a new reader over its bytes, and sub-graphs (If, Loop) are skipped, never descended into.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private final byte[] buf;
    private final String what;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf, int from, int to, String what) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.what = what;
    }

    /** The next field's number, or 0 at the end of the message. */
    int next() {
        if (pos >= end) return 0;
        long t = varint();
        int field = (int) (t >>> 3);
        if (t >>> 3 > Integer.MAX_VALUE || field == 0) throw bad("field number " + (t >>> 3));
        tag = (int) (t & 7);
        return field;
    }

    int wireType() { return tag; }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw bad("a number cut off at byte " + pos);
            byte b = buf[pos++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) return v;
        }
        throw bad("a number longer than ten bytes at byte " + pos);
    }

    /** An int field; values outside int's range are an error, not wrapped. */
    int int32(String field) {
        long v = varint();
        if (v != (int) v) throw bad(field + " = " + v + ", outside the range of an int");
        return (int) v;
    }

    float fixed32Float() {
        need(4);
        int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** The bounds [from, to) of a length-delimited field's bytes, skipping past them. */
    long lengthDelimited() {
        long n = varint();
        if (n < 0 || n > end - pos) throw bad("a field of " + n + " bytes where only " + (end - pos) + " are left");
        int from = pos;
        pos += (int) n;
        return (long) from << 32 | pos;
    }

    ProtoReader message(String inner) {
        long r = lengthDelimited();
        return new ProtoReader(buf, (int) (r >>> 32), (int) r, inner);
    }

    String string() {
        long r = lengthDelimited();
        int from = (int) (r >>> 32);
        return new String(buf, from, (int) r - from, StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        long r = lengthDelimited();
        int from = (int) (r >>> 32);
        byte[] b = new byte[(int) r - from];
        System.arraycopy(buf, from, b, 0, b.length);
        return b;
    }

    /** A repeated int64 field, packed or not, appended to {@code into}. */
    void longs(LongList into) {
        if (tag == VARINT) { into.add(varint()); return; }
        expect(LEN);
        long r = lengthDelimited();
        ProtoReader packed = new ProtoReader(buf, (int) (r >>> 32), (int) r, what);
        while (packed.pos < packed.end) into.add(packed.varint());
    }

    /** A repeated float field, packed or not, appended to {@code into}. */
    void floats(FloatList into) {
        if (tag == FIXED32) { into.add(fixed32Float()); return; }
        expect(LEN);
        long r = lengthDelimited();
        int from = (int) (r >>> 32), to = (int) r;
        if ((to - from) % 4 != 0) throw bad("packed floats of " + (to - from) + " bytes, not a multiple of 4");
        ProtoReader packed = new ProtoReader(buf, from, to, what);
        while (packed.pos < packed.end) into.add(packed.fixed32Float());
    }

    void expect(int wire) {
        if (tag != wire) throw bad("wire type " + tag + " where " + wire + " was expected");
    }

    /** Skips a field this reader does not need. */
    void skip() {
        switch (tag) {
            case VARINT -> varint();
            case FIXED64 -> { need(8); pos += 8; }
            case LEN -> lengthDelimited();
            case FIXED32 -> { need(4); pos += 4; }
            default -> throw bad("wire type " + tag + " (groups, or not protobuf at all)");
        }
    }

    private void need(int n) {
        if (end - pos < n) throw bad("a value cut off at byte " + pos);
    }

    OnnxFormatException bad(String detail) {
        return new OnnxFormatException("Damaged " + what + ": " + detail + ". Expected a complete ONNX protobuf message; the file may be truncated or not an ONNX model.");
    }

    /** A growable long array: repeated fields come without a count. */
    static final class LongList {
        long[] a = new long[4];
        int n;
        void add(long v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }
        long[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }

    static final class FloatList {
        float[] a = new float[4];
        int n;
        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }
        float[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
