package org.striate.onnx;

import java.util.ArrayList;
import java.util.List;

/** Reads the one JSON value this module writes into metadata_props: an array of strings (class names). */
final class JsonStrings {
    private JsonStrings() {}

    static String[] parse(String s, String source) {
        List<String> out = new ArrayList<>();
        int i = skip(s, 0);
        if (i >= s.length() || s.charAt(i) != '[') throw bad(source, s);
        i = skip(s, i + 1);
        if (i < s.length() && s.charAt(i) == ']') return new String[0];
        while (true) {
            if (i >= s.length() || s.charAt(i) != '"') throw bad(source, s);
            StringBuilder b = new StringBuilder();
            for (i++; ; i++) {
                if (i >= s.length()) throw bad(source, s);
                char c = s.charAt(i);
                if (c == '"') break;
                if (c != '\\') { b.append(c); continue; }
                if (++i >= s.length()) throw bad(source, s);
                char e = s.charAt(i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 >= s.length()) throw bad(source, s);
                        try {
                            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        } catch (NumberFormatException x) {
                            throw bad(source, s);
                        }
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
            out.add(b.toString());
            i = skip(s, i + 1);
            if (i < s.length() && s.charAt(i) == ']') break;
            if (i >= s.length() || s.charAt(i) != ',') throw bad(source, s);
            i = skip(s, i + 1);
        }
        if (skip(s, i + 1) != s.length()) throw bad(source, s);
        return out.toArray(new String[0]);
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static OnnxFormatException bad(String source, String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return new OnnxFormatException(source + ": metadata '" + Onnx.CLASS_NAMES + "' is '" + shown + "'. Expected a JSON array of strings, e.g. [\"cat\", \"dog\"].");
    }
}
