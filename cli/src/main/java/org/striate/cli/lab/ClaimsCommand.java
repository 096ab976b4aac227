package org.striate.cli.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.cli.report.ModelAndData;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.data.TrainTestSplit;
import org.striate.io.Json;
import org.striate.lab.Claims;
import org.striate.lab.Claims.Claim;
import org.striate.lab.Claims.Figure;
import org.striate.lab.Efficiency;
import org.striate.lab.Efficiency.NamedModel;
import org.striate.lab.FairTraining;
import org.striate.lab.InvarianceRuns;
import org.striate.lab.PositionTask;
import org.striate.lab.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Every claim of the notes, measured at one budget and judged from intervals; one offline HTML page. */
@Command(name = "claims",
        mixinStandardHelpOptions = true,
        description = {"Run the lab's experiments at a chosen budget and judge each claim of the notes about why CNNs work "
                + "(statistical efficiency, parameter sharing at equal size, shift consistency of pooling, anti-aliasing, global "
                + "pooling and augmentation, position without sharing). Writes claims.html (one offline page: each claim in one "
                + "sentence, its experiment, figures with 95%% intervals, plots with error bars and the verdict) to --out.",
                "Every model is trained fairly: a 20%% validation split of its training images, a short learning-rate search on "
                        + "it, early stopping and the best epoch's weights. Runs are repeated over seeds and paired (every model of a "
                        + "run sees the same images).",
                "Budgets: quick takes about a minute on 2 idle cores (3 seeds, up to 1,000 images, one rate); full is what LAB.md "
                        + "shows, about 20 minutes on 2 cores (5 seeds, sizes from 50 to 60,000 with 3 seeds at 15,000 and 2 at 60,000; "
                        + "sharing against no sharing judged up to 500 images).",
                "Verdicts: 'holds' when the 95%% interval of the difference the claim is about lies on its side of zero "
                        + "(or of chance), 'does not hold' when it lies on the other side or within +-0.01 of zero (a difference too "
                        + "small to matter, measured precisely), 'not resolved' when the interval straddles: more seeds or images "
                        + "could still go either way. Images needed to reach an accuracy are compared by whether their intervals overlap."},
        footer = {"", "Examples:", "  striate lab claims --budget quick", "  striate lab claims --budget full --out runs/claims --json"})
public final class ClaimsCommand extends StriateCommand {

    @Option(names = "--budget", defaultValue = "quick", paramLabel = "quick|full", description = "How much to measure (default: ${DEFAULT-VALUE}).")
    String budgetName;

    @Option(names = "--seeds", paramLabel = "N", description = "Runs per measurement instead of the budget's.")
    Integer seeds;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX files, CIFAR-10 batches or train/ and test/ image folders (default: the Fashion-MNIST package).")
    Path data;

    @Option(names = "--out", defaultValue = "lab/claims", paramLabel = "DIR", description = "Directory for claims.html (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the first run; run r uses SEED + r (default: ${DEFAULT-VALUE}).")
    long seed;

    /** A test-only scale: every image count capped, so that the whole set runs in seconds. */
    @Option(names = "--limit", hidden = true, paramLabel = "N")
    Integer limit;

    @Option(names = "--json", description = "Print one JSON object ({\"claims\": [{claim, experiment, figures, verdict}, ...]}) instead of the text.")
    boolean json;

    /** What was measured, for the page. */
    record Measured(ClaimsBudget budget, String training, List<Efficiency.Point> efficiency, List<InvarianceRuns.Run> plain,
                    List<InvarianceRuns.Run> augmented, List<PositionTask.Outcome> position, List<Claim> claims, double seconds) {}

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(outDir, "--out");
        ClaimsBudget b = ClaimsBudget.of(budgetName);
        if (seeds != null) {
            LabOptions.checkSeeds(seeds);
            b = b.withSeeds(seeds);
        }
        if (limit != null) {
            if (limit < 8) throw new StriateException("Invalid value for option '--limit'. Expected at least 8 images. Received " + limit + ".");
            b = b.limited(limit);
        }
        long start = System.nanoTime();
        TrainTestSplit split = ModelAndData.data(data);
        Measured m = measure(b, split, start);
        Path page = ClaimsPage.write(m, outDir.resolve("claims.html"));
        if (json) out().println(Json.write(toJson(m, page)));
        else out().print(text(m, page));
        out().flush();
        return ExitCode.OK;
    }

    private Measured measure(ClaimsBudget b, TrainTestSplit split, long start) {
        FairTraining fair = new FairTraining(b.training());
        progress("%s%nTraining: %s.%n", b.describe(), fair.describe());
        List<NamedModel> eff = new ArrayList<>();
        for (String name : ClaimsBudget.EFFICIENCY_MODELS) eff.add(named(name, split.train(), name.equals("small-lc") ? b.lcMaxSize() : Integer.MAX_VALUE));
        Efficiency.Options eo = new Efficiency.Options(b.sizes(), 1, 1, 1, b.training().batchSize(), 1e-3, seed);
        Dataset effTest = split.test().head(b.efficiencyTest());
        List<Efficiency.Point> points = Efficiency.run(eff, split.train(), effTest, eo, fair, b::seedsAt,
                p -> progress("efficiency  %-18s n=%-6d seed %-3d rate %-6s best epoch %-3d test accuracy %.4f (%.1f s)%n", p.model(), p.trainSize(),
                        seed + p.run(), p.learningRate(), p.epochs(), p.testAccuracy(), p.seconds()));
        List<NamedModel> inv = new ArrayList<>();
        for (String name : ClaimsBudget.INVARIANCE_MODELS) inv.add(named(name, split.train(), Integer.MAX_VALUE));
        Dataset invTest = split.test().head(b.invarianceTest());
        List<InvarianceRuns.Run> plain = InvarianceRuns.run(inv, split.train(), invTest, b.invarianceTrain(), b.maxShift(), fair,
                b.invarianceSeeds(), seed, r -> progressRun("plain", r));
        FairTraining shifted = new FairTraining(b.training().withAugmentation(new Augmentation(b.augment(), false)));
        List<InvarianceRuns.Run> augmented = InvarianceRuns.run(inv, split.train(), invTest, b.invarianceTrain(), b.maxShift(), shifted,
                b.invarianceSeeds(), seed, r -> progressRun("augmented", r));
        List<PositionTask.Outcome> position = PositionTask.run(new PositionTask.Options(b.positionSizes()[0], b.positionTest(), 1, seed),
                PositionTask.NAMES, b.positionSizes(), b.positionSeeds(), fair);
        progress("position    done (%d runs)%n", position.size());
        List<Claim> claims = judge(b, points, plain, augmented, position);
        return new Measured(b, fair.describe(), points, plain, augmented, position, claims, (System.nanoTime() - start) / 1e9);
    }

    /** The claims, in the order of the notes. */
    static List<Claim> judge(ClaimsBudget b, List<Efficiency.Point> points, List<InvarianceRuns.Run> plain, List<InvarianceRuns.Run> augmented,
                             List<PositionTask.Outcome> position) {
        List<String> both = List.of("no augmentation", "shift augmentation");
        List<List<InvarianceRuns.Run>> sets = List.of(plain, augmented);
        return List.of(
                Claims.fewerImages("cnn-needs-fewer-images", "Parameter sharing is a prior: a CNN reaches a given accuracy from fewer "
                        + "training images than an MLP.", points, "small-cnn", "small-mlp", b.target()),
                Claims.moreAccurateAtEverySize("cnn-beats-mlp-at-equal-size", "The CNN's advantage is not one of size: at the same "
                        + "parameter count (small-cnn 9,098, small-mlp-narrow 8,755) the CNN is more accurate at every training-set size.",
                        points, "small-cnn", "small-mlp-narrow"),
                Claims.moreAccurateWhenFew("sharing-beats-no-sharing", "With the same windows, sharing the weights (CNN) beats giving "
                        + "every position its own (locally connected) when training images are few.", points, "small-cnn", "small-lc",
                        b.fewImages(), b.target()),
                Claims.moreConsistent("cnn-more-consistent-than-mlp", "Convolution and pooling make a CNN's answer more stable under small "
                        + "shifts of the image than an MLP's.", "small-cnn", "small-mlp", List.of("no augmentation"), List.of(plain)),
                Claims.moreConsistent("blurpool-more-consistent", "Anti-aliased pooling (BlurPool) makes a CNN more shift-consistent than "
                        + "max pooling, with and without augmentation, the ordering Zhang (2019) reports.", "small-cnn-blurpool", "small-cnn", both, sets),
                Claims.moreConsistent("gap-more-consistent", "Global average pooling makes a CNN more shift-consistent than a dense head "
                        + "that reads every position.", "small-cnn-gap", "small-cnn", both, sets),
                Claims.augmentationHelps("augmentation-raises-consistency", "Training on shifted images raises every model's shift "
                        + "consistency: part of the invariance is learned, not built in.", ClaimsBudget.INVARIANCE_MODELS, plain, augmented),
                Claims.positionNeedsNoSharing("position-needs-no-sharing", "When position is the class, a CNN that averages positions away "
                        + "is at chance, and a model without sharing learns the task.", position, 0.25),
                Claims.leadDisappears("dense-head-recovers-position", "A CNN with a dense head learns position too: the locally connected "
                        + "model leads it, if at all, only on small training sets, and not on the largest.", position, "cnn-dense"));
    }

    private NamedModel named(String name, Dataset train, int maxSize) {
        return new NamedModel(name, (long s) -> {
            try {
                return ModelAndData.model(name, s, train);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, maxSize);
    }

    private void progressRun(String setting, InvarianceRuns.Run r) {
        progress("invariance  %-18s %-9s seed %-3d rate %-6s best epoch %-3d accuracy %.4f consistency %.4f%n", r.model(), setting, seed + r.run(),
                r.learningRate(), r.epochs(), r.accuracy().unshifted(), r.consistency());
    }

    private void progress(String format, Object... args) {
        err().printf(Locale.ROOT, format, args);
        err().flush();
    }

    static Map<String, Object> toJson(Measured m, Path page) {
        Map<String, Object> o = Json.object();
        o.put("budget", m.budget().name());
        o.put("setup", m.budget().describe());
        o.put("training", m.training());
        o.put("seconds", m.seconds());
        List<Object> list = new ArrayList<>();
        for (Claim c : m.claims()) {
            Map<String, Object> j = Json.object();
            j.put("id", c.id());
            j.put("claim", c.claim());
            j.put("experiment", c.experiment());
            List<Object> figures = new ArrayList<>();
            for (Figure f : c.figures()) {
                Map<String, Object> x = Json.object();
                x.put("label", f.label());
                x.putAll(f.value().toJson());
                figures.add(x);
            }
            j.put("figures", figures);
            j.put("reading", c.reading());
            j.put("verdict", c.verdict().label());
            list.add(j);
        }
        o.put("claims", list);
        o.put("page", page.toString());
        return o;
    }

    static String text(Measured m, Path page) {
        StringBuilder b = new StringBuilder();
        int[] count = new int[3];
        for (Claim c : m.claims()) {
            count[c.verdict().ordinal()]++;
            b.append(String.format(Locale.ROOT, "%-14s %s%n%14s %s%n", c.verdict().label(), c.claim(), "", c.reading()));
        }
        b.append(String.format(Locale.ROOT, "%d claims: %d hold, %d do not hold, %d not resolved at budget %s (%.0f s).%n",
                m.claims().size(), count[Verdict.HOLDS.ordinal()], count[Verdict.DOES_NOT_HOLD.ordinal()], count[Verdict.NOT_RESOLVED.ordinal()],
                m.budget().name(), m.seconds()));
        b.append("Page: ").append(page).append('\n');
        return b.toString();
    }
}
