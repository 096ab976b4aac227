package org.striate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.striate.train.EpochStats;

/**
 * The progress of one training run on stderr: when stderr is a terminal, one line per epoch redrawn in
 * place, at most 79 columns wide so it fits an 80-column terminal:
 * <pre>epoch 1/8 [=====>         ]  37%  5210 img/s  0:07 left  loss 0.4521 acc 0.8412</pre>
 * Images/s is the images done over the real time since the epoch began; the time left is shown only
 * once there is enough of the epoch behind it (3 s and 3%), so it does not jump about at the start.
 * The line is wiped when the epoch ends, and the caller prints the epoch's line in its place.
 */
final class EpochProgress implements AutoCloseable {
    static final int WIDTH = 79;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean bar;
    private final int epochs;
    private final LongSupplier clock;
    private final long startNanos;
    private long epochStart, lastDraw, samples;
    private int epoch, drawnLength;

    EpochProgress(PrintWriter err, boolean bar, int epochs) { this(err, bar, epochs, System::nanoTime); }

    EpochProgress(PrintWriter err, boolean bar, int epochs, LongSupplier clock) {
        this.err = err;
        this.bar = bar;
        this.epochs = epochs;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
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
        this.epoch = epoch;
        this.samples = samples;
        this.epochStart = clock.getAsLong();
        this.lastDraw = Long.MIN_VALUE;
    }

    /** {@code samplesDone} since the epoch began; loss and accuracy are running means over the epoch. */
    void progress(long samplesDone, double loss, double accuracy) {
        if (!bar) return;
        long now = clock.getAsLong();
        if (samplesDone < samples && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        draw(line(samplesDone, (now - epochStart) / 1e9, loss, accuracy));
    }

    /** The bar line for {@code done} of the epoch's images after {@code seconds}; at most {@link #WIDTH} characters. */
    String line(long done, double seconds, double loss, double accuracy) {
        double fraction = samples == 0 ? 1 : Math.min(1, (double) done / samples);
        String left = seconds >= 3 && fraction >= 0.03 && fraction < 1 ? clock((long) (seconds * (1 - fraction) / fraction)) + " left"
                : fraction >= 1 ? clock((long) seconds) + " took" : "--:-- left";
        String speed = seconds > 0 ? String.format(Locale.ROOT, "%.0f img/s", done / seconds) : "- img/s";
        String head = String.format(Locale.ROOT, "epoch %d/%d [", epoch, epochs);
        String tail = String.format(Locale.ROOT, "] %3d%%  %s  %s  loss %.4f acc %.4f", (int) (fraction * 100), speed, left, loss, accuracy);
        int cells = Math.max(5, WIDTH - head.length() - tail.length());
        int full = (int) (fraction * cells);
        StringBuilder b = new StringBuilder(head);
        for (int i = 0; i < cells; i++) b.append(i < full ? '=' : i == full ? '>' : ' ');
        String s = b.append(tail).toString();
        return s.length() <= WIDTH ? s : s.substring(0, WIDTH);
    }

    /** "0:07", "12:03", "1:02:03". */
    static String clock(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void draw(String s) {
        err.print('\r');
        err.print(s);
        for (int i = s.length(); i < drawnLength; i++) err.print(' ');
        drawnLength = s.length();
        err.flush();
    }

    /** Wipes the epoch's bar, before its line is printed. */
    void endEpochBar() {
        if (!bar || drawnLength == 0) return;
        err.print('\r');
        err.print(" ".repeat(drawnLength));
        err.print('\r');
        err.flush();
        drawnLength = 0;
    }

    /** "epoch 2/8  loss 0.3330 acc 0.8779  test loss 0.3475 acc 0.8747  9.6s": within 80 columns. */
    static String epochLine(EpochStats s, int epochs, String validation, String elapsed) {
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f acc %.4f  %s loss %.4f acc %.4f  %s", s.epoch(), epochs, s.trainLoss(),
                s.trainAccuracy(), validation, s.validationLoss(), s.validationAccuracy(), elapsed);
    }

    String elapsed() { return format(Duration.ofNanos(clock.getAsLong() - startNanos)); }

    double seconds() { return (clock.getAsLong() - startNanos) / 1e9; }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60)
                : String.format("%.1fs", d.toMillis() / 1000.0);
    }

    @Override
    public void close() { endEpochBar(); }
}
