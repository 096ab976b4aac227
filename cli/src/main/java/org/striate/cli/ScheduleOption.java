package org.striate.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.train.LearningRateSchedule;

/**
 * Reads --lr-schedule: {@code KIND[,key=value...]} with KIND constant, step, cosine or warmup, e.g.
 * {@code step,every=3,gamma=0.5}, {@code cosine,floor=1e-5}, {@code warmup,epochs=2} or
 * {@code cosine,warmup=1} (any schedule after a linear warm-up).
 */
final class ScheduleOption {
    private ScheduleOption() {}

    static final String HELP = "constant, step[,every=E][,gamma=G] (rate times G every E epochs; default E = a third of --epochs, G = 0.1), "
            + "cosine[,floor=F] (from the rate down to F over --epochs; default F = 0), warmup[,epochs=W] (linear from 0 over W epochs; "
            + "default 1); ',warmup=W' adds a warm-up before step or cosine.";

    static LearningRateSchedule parse(String text, int epochs) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(",");
        String kind = parts[0].trim();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) throw bad(text, "'" + parts[i] + "' is not key=value");
            options.put(kv[0].trim(), kv[1].trim());
        }
        LearningRateSchedule s = switch (kind) {
            case "constant", "none" -> LearningRateSchedule.constant();
            case "step" -> LearningRateSchedule.step((int) number(options, "every", Math.max(1, epochs / 3), text),
                    number(options, "gamma", 0.1, text));
            case "cosine" -> LearningRateSchedule.cosine((int) number(options, "epochs", epochs, text), number(options, "floor", 0, text));
            case "warmup" -> LearningRateSchedule.warmup(number(options, "epochs", 1, text), LearningRateSchedule.constant());
            default -> throw bad(text, "unknown schedule '" + kind + "'" + DidYouMean.suffix(kind, java.util.List.of("constant", "step", "cosine", "warmup")));
        };
        if (options.containsKey("warmup") && !kind.equals("warmup")) s = LearningRateSchedule.warmup(number(options, "warmup", 1, text), s);
        if (!options.isEmpty()) throw bad(text, "unknown parameter" + (options.size() > 1 ? "s " : " ") + String.join(", ", options.keySet())
                + " for " + kind);
        return s;
    }

    /** Takes the option out of the map (so leftovers are unknown) and reads it as a number. */
    private static double number(Map<String, String> options, String key, double fallback, String text) {
        String v = options.remove(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(text, key + "=" + v + " is not a number");
        }
    }

    private static StriateException bad(String text, String why) {
        return new StriateException("Invalid value for option '--lr-schedule': " + why + ". Expected " + HELP + " Received '" + text + "'.");
    }
}
