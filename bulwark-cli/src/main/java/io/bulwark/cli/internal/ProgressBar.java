package io.bulwark.cli.internal;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on the error stream for commands that run longer than a few seconds: redrawn in
 * place at most five times a second on a terminal, one line per quarter otherwise (CI logs).
 *
 * <pre>{@code
 * ProgressBar bar = new ProgressBar(err, "restore", "rows", interactive);
 * bar.start(total); ... bar.update(done); ... bar.finish(done);
 * }</pre>
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final String what;
    private final String unit;
    private final boolean interactive;
    private long total;
    private long startedAt;
    private long drawnAt;
    private int quarter;

    public ProgressBar(PrintWriter err, String what, String unit, boolean interactive) {
        this.err = err;
        this.what = what;
        this.unit = unit;
        this.interactive = interactive;
    }

    /**
     * True when the CLI writes to a terminal. From JDK 22 {@link System#console()} returns a console
     * even when the output is redirected, and {@code Console.isTerminal()} (JDK 22+, called
     * reflectively: we compile for 21) tells the difference; on 21 a console exists only on a
     * terminal.
     */
    public static boolean terminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public void start(long total) {
        this.total = total;
        this.startedAt = System.nanoTime();
        this.drawnAt = 0;
        this.quarter = 0;
    }

    public void update(long done) {
        long now = System.nanoTime();
        if (interactive) {
            if (now - drawnAt >= REDRAW_NANOS) {
                drawnAt = now;
                err.print("\r" + line(done, now));
                err.flush();
            }
        } else if (total > 0) {
            int q = (int) Math.min(4, done * 4 / total);
            if (q > quarter && q < 4) {
                quarter = q;
                err.println(line(done, now));
                err.flush();
            }
        }
    }

    public void finish(long done) {
        String line = line(done, System.nanoTime());
        err.println(interactive ? "\r" + line : line);
        err.flush();
    }

    String line(long done, long now) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (now - startedAt) / 1e9;
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %,d/%,d %s %.1f s", what, "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), done, total, unit, seconds);
    }
}
