package org.striate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of one training run on stderr: a bar per epoch (images done, running loss and
 * accuracy, images/s, ETA) when stderr is a terminal; the caller prints a line per finished epoch.
 */
final class EpochProgress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean bar;
    private final int epochs;
    private final long startNanos = System.nanoTime();
    private ProgressBar current;

    EpochProgress(PrintWriter err, boolean bar, int epochs) {
        this.err = err;
        this.bar = bar;
        this.epochs = epochs;
    }

    /** True when the JVM's stderr is an interactive terminal; bars in log files are only noise. */
    static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            // Java 22+ returns a console even when redirected; isTerminal() tells the truth there
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void startEpoch(int epoch, long samples) {
        if (!bar) return;
        current = new ProgressBarBuilder()
                .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                .setInitialMax(samples)
                .setUnit(" img", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new WriterConsumer(err))
                .build();
    }

    /** {@code samplesDone} since the epoch began; loss and accuracy are running means over the epoch. */
    void progress(long samplesDone, double loss, double accuracy) {
        if (current == null) return;
        current.stepTo(samplesDone);
        current.setExtraMessage(String.format(Locale.ROOT, " loss %.4f acc %.4f", loss, accuracy));
    }

    /** Closes the epoch's bar, before its line is printed. */
    void endEpochBar() { closeBar(); }

    /** "epoch 2/8  loss 0.3330 acc 0.8779  test loss 0.3475 acc 0.8747  9.6s": within 80 columns. */
    static String epochLine(org.striate.train.EpochStats s, int epochs, String validation, String elapsed) {
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f acc %.4f  %s loss %.4f acc %.4f  %s", s.epoch(), epochs, s.trainLoss(),
                s.trainAccuracy(), validation, s.validationLoss(), s.validationAccuracy(), elapsed);
    }

    String elapsed() { return format(Duration.ofNanos(System.nanoTime() - startNanos)); }

    double seconds() { return (System.nanoTime() - startNanos) / 1e9; }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60)
                : String.format("%.1fs", d.toMillis() / 1000.0);
    }

    private void closeBar() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() { closeBar(); }

    /** Draws the bar on the command's stderr writer, redrawing in place with a carriage return. */
    private static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;

        WriterConsumer(PrintWriter out) { this.out = out; }

        @Override
        public int getMaxRenderedLength() { return 110; }

        @Override
        public void accept(String rendered) {
            out.print('\r');
            out.print(rendered);
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }
}
