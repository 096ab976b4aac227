package org.striate.lab;

import java.util.List;
import org.striate.io.Json;

/**
 * Builds the lab's JSON objects field by field, writing every value with {@link Json}. Nest objects
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

    public JsonText field(String name, double value) { key(name); b.append(Json.write(value)); return this; }

    /** Float values print with float precision (0.1f as 0.1, not 0.10000000149011612). */
    public JsonText field(String name, float value) { key(name); b.append(Json.write(value)); return this; }

    public JsonText field(String name, int[] values) { key(name); b.append(Json.write(values)); return this; }

    public JsonText field(String name, float[] values) { key(name); b.append(Json.write(values)); return this; }

    /** A value that is already JSON (an object or array). */
    public JsonText raw(String name, String json) { key(name); b.append(json); return this; }

    /** "[a, b, c]" from items that are already JSON. */
    public static String array(List<String> items) { return "[" + String.join(", ", items) + "]"; }

    public static String quote(String s) { return Json.quote(s); }

    @Override
    public String toString() { return b.toString(); }
}
