package org.striate.io;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON writer: what a command prints with --json, and the lab's JSON files. Values may be
 * null, strings, numbers, booleans, int[]/long[]/float[]/double[]/boolean[] arrays, lists and maps
 * (keys kept in insertion order); non-finite numbers are written as null. Any other type is a
 * programming error and fails, rather than printing a Java object's identity.
 */
public final class Json {
    private Json() {}

    /** An ordered map to fill and pass to {@link #write(Object)}. */
    public static Map<String, Object> object() { return new LinkedHashMap<>(); }

    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        append(b, value);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) b.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d).append(".0");
            else b.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof int[] a) {
            b.append('[');
            for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ",").append(a[i]);
            b.append(']');
        } else if (v instanceof long[] a) {
            b.append('[');
            for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ",").append(a[i]);
            b.append(']');
        } else if (v instanceof float[] a) {
            b.append('[');
            for (int i = 0; i < a.length; i++) { if (i > 0) b.append(','); append(b, a[i]); }
            b.append(']');
        } else if (v instanceof double[] a) {
            b.append('[');
            for (int i = 0; i < a.length; i++) { if (i > 0) b.append(','); append(b, a[i]); }
            b.append(']');
        } else if (v instanceof boolean[] a) {
            b.append('[');
            for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ",").append(a[i]);
            b.append(']');
        } else if (v instanceof Object[] a) {
            append(b, List.of(a));
        } else if (v instanceof Iterable<?> it) {
            b.append('[');
            Iterator<?> i = it.iterator();
            while (i.hasNext()) { append(b, i.next()); if (i.hasNext()) b.append(','); }
            b.append(']');
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(',');
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                append(b, e.getValue());
            }
            b.append('}');
        } else {
            throw new IllegalArgumentException("No JSON form for " + v.getClass().getName() + "; convert it to a number, string, array, list or map.");
        }
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder();
        string(b, s);
        return b.toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
