package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.scaling.resources.ResourceLimits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Config keys of the resource monitor: {@code scaling.monitor.*} and the warning limits
 * {@code scaling.limits.<figure>}, where the figure is written in one camel-case word
 * ({@code heapPercent} for the figure {@code heap.percent}).
 */
public final class ScalingKeys {

    public static final ConfigKey<Duration> MONITOR_INTERVAL = ConfigKey
            .builder("scaling.monitor.interval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(10))
            .description("How often the resource monitor samples CPU, memory, threads, file descriptors, GC and I/O.")
            .build();

    public static final ConfigKey<Integer> MONITOR_HISTORY = ConfigKey
            .builder("scaling.monitor.history", ValueTypes.integer(1, 100_000)).defaultValue(360)
            .description("Samples kept per node (at the default interval, an hour).").build();

    public static final ConfigKey<Double> LIMITS = ConfigKey
            .builder("scaling.limits.*", ValueTypes.decimal(0, 1e15))
            .description("A warning threshold on a resource figure, named in camel case: " + String.join(", ",
                    configNames().keySet()) + ". Above it /health reports resources DEGRADED. Defaults: heapPercent, "
                    + "memoryPercent and fdsPercent 90.").build();

    public static final ConfigKey<Boolean> AUTOSCALER_ENABLED = ConfigKey
            .builder("scaling.autoscaler.enabled", ValueTypes.bool()).defaultValue(false)
            .description("Whether the leader decides worker replica counts from the waiting jobs, with the HPA's "
                    + "semantics, and applies them through scaling.autoscaler.driver.").build();

    public static final ConfigKey<String> AUTOSCALER_DRIVER = ConfigKey
            .builder("scaling.autoscaler.driver", ValueTypes.oneOf("dry-run", "kubernetes", "command"))
            .defaultValue("dry-run")
            .description("dry-run: record decisions only (the current count is the fleet's alive job-running nodes); "
                    + "kubernetes: the scale subresource of scaling.autoscaler.kubernetes.deployment; command: run "
                    + "scaling.autoscaler.command with the desired count as its last argument.").build();

    public static final ConfigKey<Integer> AUTOSCALER_MIN = ConfigKey
            .builder("scaling.autoscaler.minReplicas", ValueTypes.integer(0, 1000)).defaultValue(1)
            .description("The fewest workers.").build();

    public static final ConfigKey<Integer> AUTOSCALER_MAX = ConfigKey
            .builder("scaling.autoscaler.maxReplicas", ValueTypes.integer(1, 1000)).defaultValue(10)
            .description("The most workers.").build();

    public static final ConfigKey<Double> AUTOSCALER_WAITING_PER_WORKER = ConfigKey
            .builder("scaling.autoscaler.waitingJobsPerWorker", ValueTypes.decimal(0.001, 1e9)).defaultValue(100.0)
            .description("The target: available (waiting) jobs per worker.").build();

    public static final ConfigKey<Double> AUTOSCALER_CPU_PERCENT = ConfigKey
            .builder("scaling.autoscaler.cpuPercent", ValueTypes.decimal(0.1, 1000))
            .description("A second target, off when unset: each worker's CPU use as a percent of the CPUs it may use, "
                    + "from the figures the nodes publish (scaling.monitor.publish).").build();

    public static final ConfigKey<Double> AUTOSCALER_REQUESTS_PER_SECOND = ConfigKey
            .builder("scaling.autoscaler.requestsPerSecond", ValueTypes.decimal(0.001, 1e9))
            .description("A target, off when unset: HTTP requests each worker serves per second, on average over the "
                    + "workers, from the figures the nodes publish.").build();

    public static final ConfigKey<Double> AUTOSCALER_ERROR_PERCENT = ConfigKey
            .builder("scaling.autoscaler.errorPercent", ValueTypes.decimal(0.01, 100))
            .description("A target, off when unset: the workers' HTTP answers with a 5xx status, percent of their "
                    + "requests since the last published figures.").build();

    public static final ConfigKey<Double> AUTOSCALER_QUEUE_LAG_SECONDS = ConfigKey
            .builder("scaling.autoscaler.queueLagSeconds", ValueTypes.decimal(0.001, 1e9))
            .description("A target, off when unset: the age in seconds of the oldest waiting job of the autoscaler's "
                    + "queues (from its run time), as a value for the whole fleet, like an HPA external metric.").build();

    public static final ConfigKey<Double> AUTOSCALER_QUEUE_WAITING = ConfigKey
            .builder("scaling.autoscaler.queue.*.waitingJobsPerWorker", ValueTypes.decimal(0.001, 1e9))
            .description("A target of one queue, off when unset: that queue's waiting jobs per worker (beside the "
                    + "fleet-wide waitingJobsPerWorker over scaling.autoscaler.queues).").build();

    public static final ConfigKey<Double> AUTOSCALER_QUEUE_LAG = ConfigKey
            .builder("scaling.autoscaler.queue.*.queueLagSeconds", ValueTypes.decimal(0.001, 1e9))
            .description("A target of one queue, off when unset: the age in seconds of that queue's oldest waiting "
                    + "job, as a value.").build();

    public static final ConfigKey<Double> AUTOSCALER_MEMORY_PERCENT = ConfigKey
            .builder("scaling.autoscaler.memoryPercent", ValueTypes.decimal(0.1, 1000))
            .description("A target, off when unset: each worker's RSS as a percent of its memory limit, from the "
                    + "figures the nodes publish.").build();

    public static final ConfigKey<String> AUTOSCALER_QUEUES = ConfigKey
            .builder("scaling.autoscaler.queues", ValueTypes.string())
            .description("Comma-separated queues whose waiting jobs count (default every queue).").build();

    public static final ConfigKey<Duration> AUTOSCALER_INTERVAL = ConfigKey
            .builder("scaling.autoscaler.interval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(15)).description("How often the leader decides (the HPA's default is 15s).")
            .build();

    public static final ConfigKey<Double> AUTOSCALER_TOLERANCE = ConfigKey
            .builder("scaling.autoscaler.tolerance", ValueTypes.decimal(0, 0.99)).defaultValue(0.1)
            .description("No change while measured / target is within this of 1 (the HPA's tolerance).").build();

    public static final ConfigKey<Duration> AUTOSCALER_DOWN_WINDOW = ConfigKey
            .builder("scaling.autoscaler.scaleDownStabilization", ValueTypes.duration(Duration.ZERO, Duration.ofHours(1)))
            .defaultValue(Duration.ofMinutes(5))
            .description("Scale-downs take the highest recommendation of this window (the HPA's default 5m).").build();

    public static final ConfigKey<String> AUTOSCALER_NAMESPACE = ConfigKey
            .builder("scaling.autoscaler.kubernetes.namespace", ValueTypes.string()).defaultValue("default")
            .description("The namespace of the deployment the kubernetes driver scales.").build();

    public static final ConfigKey<String> AUTOSCALER_DEPLOYMENT = ConfigKey
            .builder("scaling.autoscaler.kubernetes.deployment", ValueTypes.string())
            .description("The deployment the kubernetes driver scales (required with that driver).").build();

    public static final ConfigKey<String> AUTOSCALER_KIND = ConfigKey
            .builder("scaling.autoscaler.kubernetes.kind", ValueTypes.oneOf("deployment", "statefulset"))
            .defaultValue("deployment")
            .description("What the kubernetes driver scales: the Deployment or the StatefulSet named by "
                    + "scaling.autoscaler.kubernetes.deployment (a StatefulSet needs get and patch on statefulsets/scale, "
                    + "which the generated Role does not grant).").build();

    public static final ConfigKey<String> AUTOSCALER_COMMAND = ConfigKey
            .builder("scaling.autoscaler.command", ValueTypes.string())
            .description("The program and arguments (space-separated) the command driver runs; the desired count is "
                    + "appended.").build();

    /** The resource monitor's keys. */
    public static final ConfigKey<Duration> MONITOR_PUBLISH = ConfigKey
            .builder("scaling.monitor.publish", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(30))
            .description("How often each node puts its latest CPU and memory figures in the store, where the leader's "
                    + "recommender reads the fleet's.").build();

    public static final ConfigKey<Boolean> RECOMMENDER_ENABLED = ConfigKey
            .builder("scaling.recommender.enabled", ValueTypes.bool()).defaultValue(true)
            .description("Whether the leader keeps each deployment's CPU and memory usage history (api, worker, both "
                    + "by node role) for GET /api/v1/scaling/recommendations.").build();

    public static final ConfigKey<Duration> RECOMMENDER_INTERVAL = ConfigKey
            .builder("scaling.recommender.interval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .defaultValue(Duration.ofMinutes(1))
            .description("How often the leader adds the fleet's published figures to the usage histories (the VPA "
                    + "samples once a minute; its confidence counts a sample a minute).").build();

    public static final List<ConfigKey<?>> MONITOR = List.of(MONITOR_INTERVAL, MONITOR_HISTORY, LIMITS, MONITOR_PUBLISH);

    /** The vertical recommender's keys. */
    public static final List<ConfigKey<?>> RECOMMENDER = List.of(RECOMMENDER_ENABLED, RECOMMENDER_INTERVAL);

    /** The autoscaler's keys. */
    public static final List<ConfigKey<?>> AUTOSCALER = List.of(AUTOSCALER_ENABLED, AUTOSCALER_DRIVER, AUTOSCALER_MIN,
            AUTOSCALER_MAX, AUTOSCALER_WAITING_PER_WORKER, AUTOSCALER_CPU_PERCENT, AUTOSCALER_MEMORY_PERCENT,
            AUTOSCALER_REQUESTS_PER_SECOND, AUTOSCALER_ERROR_PERCENT, AUTOSCALER_QUEUE_LAG_SECONDS, AUTOSCALER_QUEUE_WAITING,
            AUTOSCALER_QUEUE_LAG, AUTOSCALER_QUEUES, AUTOSCALER_INTERVAL, AUTOSCALER_TOLERANCE,
            AUTOSCALER_DOWN_WINDOW, AUTOSCALER_NAMESPACE, AUTOSCALER_DEPLOYMENT, AUTOSCALER_KIND, AUTOSCALER_COMMAND);

    private ScalingKeys() {
    }

    /** Config name to figure: {@code heapPercent} → {@code heap.percent}. */
    public static Map<String, String> configNames() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String figure : ResourceLimits.FIGURES) {
            int dot = figure.indexOf('.');
            String name = dot < 0 ? figure : figure.substring(0, dot)
                    + figure.substring(dot + 1, dot + 2).toUpperCase(Locale.ROOT) + figure.substring(dot + 2);
            m.put(name, figure);
        }
        return m;
    }
}
