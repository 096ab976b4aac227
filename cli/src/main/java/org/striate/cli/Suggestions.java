package org.striate.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/** "Did you mean" for a mistyped subcommand or option, from what the command line it was given to knows. */
final class Suggestions {
    private Suggestions() {}

    /** " Did you mean 'train'?" for an unknown word close to a known one; "" otherwise. */
    static String of(CommandLine.ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return "";
        String typed = u.getUnmatched().get(0);
        CommandLine c = ex.getCommandLine();
        List<String> known = new ArrayList<>();
        if (typed.startsWith("-")) {
            for (OptionSpec o : c.getCommandSpec().options()) known.addAll(List.of(o.names()));
        } else {
            known.addAll(c.getSubcommands().keySet());
        }
        String best = DidYouMean.closest(typed, known);
        return best == null ? "" : " Did you mean '" + best + "'?";
    }
}
