package io.bulwark.bench.soak;

import io.bulwark.bench.http.CpuShare;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The soak as one PNG of eight small charts sharing the time axis: RSS beside the committed heap,
 * the heap after GC with the live heap, threads, open file descriptors, the store's size,
 * throughput, p99 latency per request kind and where the CPU went. Each has its own scale, so
 * a few percent of growth is visible where it matters. Drawn with Java 2D in headless mode: no
 * new dependency, and no display needed.
 */
final class SoakChart {

    private static final int WIDTH = 1800;
    private static final int HEIGHT = 1480;
    private static final int HEADER = 64;
    private static final int ROWS = 4;
    private static final double MIB = 1024.0 * 1024;
    /** Tableau 10: distinguishable, and readable for the common colour-vision deficiencies. */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
            new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
            new Color(0x9C755F), new Color(0xBAB0AC)};

    /**
     * The run's landmarks drawn over the samples.
     *
     * @param warmupSeconds end of the warm-up (shaded)
     * @param storeFromSeconds where the store's measurement starts (a dashed line)
     * @param liveAtSeconds when the first full GC was forced, or -1 when none was
     * @param liveStartMib the live heap after it, or null
     * @param liveEndMib the live heap after the one forced at the end, or null
     */
    record Marks(double warmupSeconds, double storeFromSeconds, double liveAtSeconds, Double liveStartMib, Double liveEndMib) {
    }

    private SoakChart() {
    }

    /**
     * Draws the samples into {@code file}.
     *
     * @param title the first header line, e.g. the rate and the run's length
     * @param subtitle the second, e.g. the machine
     */
    static void write(List<Sample> samples, Marks marks, String title, String subtitle, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] t = samples.stream().mapToDouble(Sample::seconds).toArray();
        double end = samples.isEmpty() ? 1 : Math.max(1, t[t.length - 1]);
        double warmup = marks.warmupSeconds();

        ChartPanel rss = new ChartPanel("Resident memory (MiB)", false, t, end, warmup)
                .add("RSS", PALETTE[0], values(samples, s -> mib(s.resources().rssBytes())), 2.2f)
                .add("heap committed", PALETTE[9], values(samples, s -> mib(s.resources().heapCommittedBytes())), 1.5f)
                .add("non-heap (metaspace, code)", PALETTE[3], values(samples, s -> mib(s.resources().nonHeapUsedBytes())), 1.5f)
                .add("direct buffers", PALETTE[5], values(samples, s -> mib(s.resources().directBufferBytes())), 1.5f)
                .marker(marks.liveAtSeconds() < 0 ? Double.NaN : marks.liveAtSeconds(), "forced full GC");
        ChartPanel heap = new ChartPanel("Heap (MiB)", false, t, end, warmup)
                .add("heap after each GC", PALETTE[2], values(samples, s -> mib(s.resources().heapAfterGcBytes())), 2.2f)
                .dots("live heap, forced full GC", Color.BLACK, List.of(
                        new double[] {marks.liveAtSeconds(), nan(marks.liveStartMib())},
                        new double[] {end, nan(marks.liveEndMib())}))
                .marker(marks.liveAtSeconds() < 0 ? Double.NaN : marks.liveAtSeconds(), "forced full GC");
        ChartPanel threads = new ChartPanel("Threads", false, t, end, warmup)
                .add("JVM live threads", PALETTE[6], values(samples, s -> num(s.resources().jvmThreads())), 2.2f)
                .add("OS threads (JVM's own too)", PALETTE[9], values(samples, s -> num(s.resources().osThreads())), 1.5f);
        ChartPanel fds = new ChartPanel("Open file descriptors", false, t, end, warmup)
                .add("open FDs", PALETTE[4], values(samples, s -> num(s.resources().openFds())), 2.2f);
        ChartPanel store = new ChartPanel("Store on disk: jobs.db + jobs.db-wal (MiB)", false, t, end, warmup)
                .add("store size", PALETTE[8], values(samples, s -> mib(s.resources().storeBytes())), 2.2f)
                .marker(marks.storeFromSeconds(), "retention + a prune: measured from here");
        ChartPanel rate = new ChartPanel("Throughput (per second)", false, t, end, warmup)
                .add("2xx answers", PALETTE[0], values(samples, s -> s.all().okPerSecond()), 2.2f)
                .add("errors", PALETTE[2], values(samples, s -> s.intervalSeconds() > 0 ? s.all().errors() / s.intervalSeconds() : 0), 2.2f);
        ChartPanel p99 = new ChartPanel("p99 latency per interval (ms, log scale)", true, t, end, warmup)
                .add("all", Color.BLACK, values(samples, s -> s.all().p99Ms()), 2.4f);
        int c = 0;
        for (RequestKind kind : RequestKind.values()) {
            p99.add(kind.label(), PALETTE[c++ % PALETTE.length], values(samples, s -> s.kinds().get(kind.label()).p99Ms()), 1.3f);
        }
        ChartPanel cpu = new ChartPanel("CPU (cores busy)", false, t, end, warmup)
                .add("server", PALETTE[0], values(samples, s -> cores(s, CpuShare::serverCores)), 2f)
                .add("harness", PALETTE[1], values(samples, s -> cores(s, CpuShare::harnessCores)), 2f)
                .add("other processes", PALETTE[2], values(samples, s -> cores(s, CpuShare::otherCores)), 2f);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, 16, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(subtitle, 16, 48);
            ChartPanel[] panels = {rss, heap, threads, fds, store, rate, p99, cpu};
            int cellWidth = WIDTH / 2;
            int cellHeight = (HEIGHT - HEADER) / ROWS;
            for (int i = 0; i < panels.length; i++) {
                int col = i % 2;
                int row = i / 2;
                panels[i].draw(g, new Rectangle(col * cellWidth + 8, HEADER + row * cellHeight + 4, cellWidth - 16, cellHeight - 8));
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK: cannot write " + file);
        }
    }

    private static Double cores(Sample s, Function<CpuShare, Double> part) {
        return s.resources().cpu() == null ? null : part.apply(s.resources().cpu());
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static double[] values(List<Sample> samples, Function<Sample, Double> value) {
        double[] v = new double[samples.size()];
        for (int i = 0; i < v.length; i++) {
            Double d = value.apply(samples.get(i));
            v[i] = d == null ? Double.NaN : d;
        }
        return v;
    }

    private static Double mib(Long bytes) {
        return bytes == null ? null : bytes / MIB;
    }

    private static Double num(Number n) {
        return n == null ? null : n.doubleValue();
    }
}
