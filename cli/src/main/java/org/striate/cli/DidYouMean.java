package org.striate.cli;

import java.util.Collection;
import java.util.Locale;

/** The closest known word to a mistyped one, for "did you mean" hints. */
final class DidYouMean {
    private DidYouMean() {}

    /**
     * The candidate nearest to {@code typed} (case, '-' and '_' ignored, then edit distance), when it is
     * within a third of the word's length (at least 2 edits); null when nothing is that close.
     */
    static String closest(String typed, Collection<String> candidates) {
        String t = fold(typed);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(t, fold(c));
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return best != null && bestDistance <= Math.max(2, t.length() / 3) ? best : null;
    }

    /** " (did you mean 'x'?)" or "" when nothing is close. */
    static String suffix(String typed, Collection<String> candidates) {
        String c = closest(typed, candidates);
        return c == null ? "" : " (did you mean '" + c + "'?)";
    }

    private static String fold(String s) { return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", ""); }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit ("trian" → "train"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
