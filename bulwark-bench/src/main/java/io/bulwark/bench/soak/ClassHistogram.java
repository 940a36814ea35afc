package io.bulwark.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's live objects per class, from {@code jcmd <pid> GC.class_histogram} (which collects
 * first, so only live objects count). Two of them, taken where the soak forces its full GCs,
 * name what the live heap grew by.
 */
record ClassHistogram(Map<String, Entry> classes) {

    /** One class: its live instances and their bytes. */
    record Entry(long instances, long bytes) {
    }

    /** One class's change between two histograms. */
    record Change(String className, long instances, long bytes) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Takes the histogram of process {@code pid}, keeping jcmd's output in {@code out}; null when jcmd failed. */
    static ClassHistogram take(Path jcmd, long pid, Path out) throws IOException, InterruptedException {
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? parse(Files.readAllLines(out)) : null;
    }

    /** Parses jcmd's rows ({@code num: #instances #bytes class-name (module)}); other lines are skipped. */
    static ClassHistogram parse(List<String> lines) {
        Map<String, Entry> classes = new HashMap<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new Entry(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (a, b) -> new Entry(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return new ClassHistogram(Map.copyOf(classes));
    }

    /** The {@code n} classes whose live bytes grew most from {@code before} to this one. */
    List<Change> grewMostSince(ClassHistogram before, int n) {
        List<Change> changes = new ArrayList<>();
        for (var e : classes.entrySet()) {
            Entry was = before.classes().getOrDefault(e.getKey(), new Entry(0, 0));
            changes.add(new Change(e.getKey(), e.getValue().instances() - was.instances(), e.getValue().bytes() - was.bytes()));
        }
        return changes.stream().filter(c -> c.bytes() > 0)
                .sorted(Comparator.comparingLong(Change::bytes).reversed()).limit(n).toList();
    }

    /** All live bytes. */
    long bytes() {
        return classes.values().stream().mapToLong(Entry::bytes).sum();
    }

    /** The table printed after a run: the classes that grew most, with their instances. */
    static String table(ClassHistogram start, ClassHistogram end, int n) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "Live objects (jcmd GC.class_histogram at the two forced GCs): %,.1f KiB -> %,.1f KiB (%+,.1f KiB); grew most:%n",
                start.bytes() / 1024.0, end.bytes() / 1024.0, (end.bytes() - start.bytes()) / 1024.0));
        for (Change c : end.grewMostSince(start, n)) {
            b.append(String.format(Locale.ROOT, "  %+,10.1f KiB  %+,9d instances  %s%n", c.bytes() / 1024.0, c.instances(),
                    c.className()));
        }
        return b.toString();
    }
}
