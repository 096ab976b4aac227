package org.striate.cli.report;

import java.util.Base64;
import java.util.List;

/**
 * One self-contained HTML page: inline style, no script, no external URL; pictures are inlined as
 * {@code data:} URIs so the page opens offline from a single file. A Content-Security-Policy forbids
 * every other source, so even a stray URL could not make the browser fetch anything. Text is escaped
 * where it is added.
 */
public final class HtmlPage {
    private static final String STYLE = String.join("\n",
            "body{font-family:sans-serif;margin:2em;max-width:72em;color:#222}",
            "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}",
            "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}",
            "th{background:#f2f2f2}td.l,th.l{text-align:left}",
            "figure{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}figcaption{font-size:.85em;color:#555}",
            "img.px{image-rendering:pixelated}p.note{color:#555;font-size:.9em}",
            "p.headline{font-size:1.3em;margin:.3em 0}figure.wrong figcaption{color:#b00}figure.sample{margin:.3em .6em .3em 0}",
            ".ramp{width:16em;margin:.3em 0;font-size:.8em;color:#555}.ramp div{height:.8em;border:1px solid #999;"
                    + "background:linear-gradient(to right,#000,#fff)}.ramp span{display:inline-block;width:33.3%}");

    /** The page may load nothing: pictures only from data: URIs, style only inline; the browser blocks (and logs) anything else. */
    static final String CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">";

    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlPage(String title) { this.title = title; }

    public HtmlPage heading(int level, String text) {
        body.append("<h").append(level).append('>').append(escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    public HtmlPage paragraph(String text) { body.append("<p>").append(escape(text)).append("</p>\n"); return this; }

    /** The one figure the page is about, in large type. */
    public HtmlPage headline(String text) { body.append("<p class=\"headline\">").append(escape(text)).append("</p>\n"); return this; }

    public HtmlPage note(String text) { body.append("<p class=\"note\">").append(escape(text)).append("</p>\n"); return this; }

    /** A table; the first {@code leftColumns} columns are left-aligned (names), the rest right-aligned (numbers). */
    public HtmlPage table(List<String> header, List<List<String>> rows, int leftColumns) {
        body.append("<table>\n<tr>");
        for (int i = 0; i < header.size(); i++) body.append(cell("th", header.get(i), i < leftColumns, null));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (int i = 0; i < row.size(); i++) body.append(cell("td", row.get(i), i < leftColumns, null));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** A grid of counts shaded by {@code shade[r][c]} in [0, 1] (0 white, 1 dark blue). */
    public HtmlPage heatTable(String corner, List<String> rowNames, List<String> columnNames, int[][] counts, double[][] shade) {
        body.append("<table>\n<tr>").append(cell("th", corner, true, null));
        for (String c : columnNames) body.append(cell("th", c, false, null));
        body.append("</tr>\n");
        for (int r = 0; r < counts.length; r++) {
            body.append("<tr>").append(cell("th", rowNames.get(r), true, null));
            for (int c = 0; c < counts[r].length; c++) {
                double s = Math.max(0, Math.min(1, shade[r][c]));
                int v = (int) Math.round(255 - 200 * s);
                String style = "background:rgb(" + v + "," + v + ",255)" + (s > 0.6 ? ";color:#fff" : "");
                body.append(cell("td", Integer.toString(counts[r][c]), false, style));
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** A PNG inlined as a data URI; {@code pixelated} keeps small images (filters, maps) sharp when scaled. */
    public HtmlPage figure(byte[] png, String caption, int displayWidth, boolean pixelated) {
        body.append("<figure><img").append(pixelated ? " class=\"px\"" : "").append(" width=\"").append(displayWidth)
                .append("\" alt=\"").append(escape(caption)).append("\" src=\"").append(dataUri(png)).append("\">")
                .append("<figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
        return this;
    }

    /** A small picture with two caption lines (e.g. the prediction, then the truth), marked when {@code wrong}. */
    public HtmlPage sample(byte[] png, String first, String second, int displayWidth, boolean wrong) {
        body.append("<figure class=\"sample").append(wrong ? " wrong" : "").append("\"><img class=\"px\" width=\"").append(displayWidth)
                .append("\" alt=\"").append(escape(first + "; " + second)).append("\" src=\"").append(dataUri(png)).append("\">")
                .append("<figcaption>").append(escape(first)).append("<br>").append(escape(second)).append("</figcaption></figure>\n");
        return this;
    }

    /** The grey ramp pictures were drawn with: black, mid grey and white labelled. */
    public HtmlPage ramp(String black, String grey, String white) {
        body.append("<div class=\"ramp\"><div></div><span>").append(escape(black)).append("</span><span style=\"text-align:center\">")
                .append(escape(grey)).append("</span><span style=\"text-align:right\">").append(escape(white)).append("</span></div>\n");
        return this;
    }

    public static String dataUri(byte[] png) { return "data:image/png;base64," + Base64.getEncoder().encodeToString(png); }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + CSP + "\n<title>" + escape(title) + "</title>\n<style>\n"
                + STYLE + "\n</style>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n" + body + "</body>\n</html>\n";
    }

    private static String cell(String tag, String text, boolean left, String style) {
        StringBuilder b = new StringBuilder("<").append(tag);
        if (left) b.append(" class=\"l\"");
        if (style != null) b.append(" style=\"").append(style).append('"');
        return b.append('>').append(escape(text)).append("</").append(tag).append('>').toString();
    }

    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
