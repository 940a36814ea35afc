package io.bulwark.cli.scaling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.cli.commands.OutputOption;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.DurationOption;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.units.Durations;
import io.bulwark.scaling.AutoscalerPolicy;
import io.bulwark.scaling.PolicyDocument;
import io.bulwark.scaling.simulation.CapacityModel;
import io.bulwark.scaling.simulation.LoadTrace;
import io.bulwark.scaling.simulation.Simulation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bulwark scaling simulate}: a load trace through the autoscaler, offline. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Replay a load trace through the autoscaler on a simple capacity model, to tune a policy before "
                + "production. Needs no server.",
                "The trace is a CSV of time,load: from each time on (seconds, or a duration such as 5m), load jobs arrive "
                        + "per second; the last row marks the end. Writes simulation.csv (one row per second), "
                        + "decisions.csv and a chart (simulation.png, simulation.svg) into --out, and prints a summary."})
final class SimulateCommand implements Runnable {

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "The load trace (CSV time,load).")
    Path trace;

    @Option(names = "--policy", paramLabel = "FILE", description = "The policy (YAML or JSON, the shape of "
            + "PUT /api/v1/scaling/policy); default 1 to 10 workers at 10 waiting jobs per worker and the HPA's behavior.")
    Path policy;

    @Option(names = "--capacity", paramLabel = "JOBS_PER_SECOND", defaultValue = "5",
            description = "Jobs one worker finishes per second (default 5).")
    double capacity;

    @Option(names = "--startup", paramLabel = "DURATION", defaultValue = "30s",
            description = "From a scale-up to the new workers taking jobs (default 30s).")
    String startup;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "15s",
            description = "Between two decisions (default 15s, the HPA's sync period).")
    String interval;

    @Option(names = "--initial", paramLabel = "N", description = "Workers at the start (default the policy's minReplicas).")
    Integer initial;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created when missing).")
    Path out;

    @Mixin
    OutputOption output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public void run() {
        LoadTrace load;
        try {
            load = LoadTrace.parseCsv(Files.readString(trace));
        } catch (IOException e) {
            throw CliException.usage("--trace " + trace + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--trace " + trace + ": " + e.getMessage());
        }
        AutoscalerPolicy p = policy();
        CapacityModel model;
        try {
            model = new CapacityModel(capacity, DurationOption.parse("--startup", startup, Duration.ZERO, Duration.ofHours(1)),
                    DurationOption.parse("--interval", interval, Duration.ofSeconds(1), Duration.ofHours(1)),
                    initial == null ? Math.max(p.minReplicas(), 1) : initial);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--" + e.getMessage().replace("initial replicas", "initial"));
        }
        Simulation.Result result;
        try {
            result = Simulation.run(p, load, model);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--policy " + policy + ": " + e.getMessage());
        }
        try {
            Files.createDirectories(out);
            writeSamples(result, out.resolve("simulation.csv"));
            writeDecisions(result, out.resolve("decisions.csv"));
        } catch (IOException | UncheckedIOException e) {
            throw CliException.usage("--out " + out + " cannot be written: " + e.getMessage());
        }
        String chart;
        try {
            SimulationChart.write(result, capacity, out.resolve("simulation"));
            chart = "simulation.png, simulation.svg";
        } catch (IOException | RuntimeException | Error e) {
            // No fonts or no AWT on this machine: the figures are in the CSV files all the same.
            chart = "no chart (" + e + ")";
        }
        print(result, load, chart);
    }

    private AutoscalerPolicy policy() {
        if (policy == null) {
            return PolicyDocument.read(Map.of("minReplicas", 1, "maxReplicas", 10, "waitingJobsPerWorker", 10));
        }
        Object doc;
        try {
            doc = YAML.readValue(policy.toFile(), Object.class);
        } catch (IOException e) {
            throw CliException.usage("--policy " + policy + " is not YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        try {
            return PolicyDocument.read(doc);
        } catch (PolicyDocument.InvalidPolicyException e) {
            throw CliException.usage("--policy " + policy + ": " + String.join("; ", e.problems().stream()
                    .map(x -> x.field() + " " + x.message()).toList()));
        }
    }

    private static void writeSamples(Simulation.Result r, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("second,load,ready,requested,waiting,wait_seconds\n");
            for (Simulation.Sample s : r.samples()) {
                w.write(s.at().toSeconds() + "," + num(s.load()) + "," + s.ready() + "," + s.requested() + ","
                        + num(s.backlog()) + "," + num(s.waitSeconds()) + "\n");
            }
        }
    }

    private static void writeDecisions(Simulation.Result r, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("second,current,recommended,desired,rule,explanation\n");
            for (var d : r.decisions()) {
                w.write(d.at().getEpochSecond() + "," + d.current() + "," + d.recommended() + "," + d.desired() + ","
                        + d.rule() + ",\"" + d.explanation().replace("\"", "\"\"") + "\"\n");
            }
        }
    }

    private static String num(double v) {
        if (Double.isInfinite(v)) {
            return "inf";
        }
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private void print(Simulation.Result r, LoadTrace load, String chart) {
        Simulation.Summary s = r.summary();
        PrintWriter w = spec.commandLine().getOut();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("length", Durations.format(load.length()));
        m.put("jobsArrived", Math.round(s.jobsArrived()));
        m.put("jobsDone", Math.round(s.jobsDone()));
        m.put("waitingAtEnd", Math.round(s.jobsArrived() - s.jobsDone()));
        m.put("peakWaiting", Math.round(s.peakBacklog()));
        m.put("longestWaitSeconds", Double.isInfinite(s.longestWaitSeconds()) ? "inf"
                : Math.round(s.longestWaitSeconds() * 100) / 100.0);
        m.put("workerHours", Math.round(s.workerSeconds() / 36) / 100.0);
        m.put("mostWorkers", s.mostReplicas());
        m.put("scaleUps", s.scaleUps());
        m.put("scaleDowns", s.scaleDowns());
        m.put("out", out.toAbsolutePath().normalize().toString());
        m.put("chart", chart);
        if (output.json()) {
            Output.json(w, m);
            return;
        }
        Output.table(w, List.of("figure", "value"), m.entrySet().stream()
                .map(e -> Map.<String, Object>of("figure", e.getKey(), "value", e.getValue())).toList());
    }
}
