package org.striate.lab;

import java.util.List;

/**
 * A small JSON object writer for the lab's --json output (the core has no dependencies). Nest objects
 * with {@link #raw(String, String)} and {@link #array(List)}.
 */
public final class JsonText {
    private final StringBuilder b = new StringBuilder();
    private boolean first = true;

    public JsonText open() { b.append('{'); first = true; return this; }

    public JsonText close() { b.append('}'); return this; }

    private JsonText key(String name) {
        if (!first) b.append(", ");
        first = false;
        b.append(quote(name)).append(": ");
        return this;
    }

    public JsonText field(String name, String value) { key(name); b.append(value == null ? "null" : quote(value)); return this; }
    public JsonText field(String name, long value) { key(name); b.append(value); return this; }
    public JsonText field(String name, boolean value) { key(name); b.append(value); return this; }

    public JsonText field(String name, double value) {
        key(name);
        b.append(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    /** Float values print with float precision (0.1f as 0.1, not 0.10000000149011612). */
    public JsonText field(String name, float value) {
        key(name);
        b.append(Float.isFinite(value) ? Float.toString(value) : "null");
        return this;
    }

    public JsonText field(String name, int[] values) {
        key(name).b.append('[');
        for (int i = 0; i < values.length; i++) b.append(i == 0 ? "" : ", ").append(values[i]);
        b.append(']');
        return this;
    }

    public JsonText field(String name, float[] values) {
        key(name).b.append('[');
        for (int i = 0; i < values.length; i++) b.append(i == 0 ? "" : ", ").append(Float.isFinite(values[i]) ? Float.toString(values[i]) : "null");
        b.append(']');
        return this;
    }

    /** A value that is already JSON (an object or array). */
    public JsonText raw(String name, String json) { key(name); b.append(json); return this; }

    /** "[a, b, c]" from items that are already JSON. */
    public static String array(List<String> items) { return "[" + String.join(", ", items) + "]"; }

    public static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) q.append(String.format("\\u%04x", (int) c));
                    else q.append(c);
                }
            }
        }
        return q.append('"').toString();
    }

    @Override
    public String toString() { return b.toString(); }
}
