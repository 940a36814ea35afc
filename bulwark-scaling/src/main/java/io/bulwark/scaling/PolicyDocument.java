package io.bulwark.scaling;

import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An autoscaler policy written as a document, in the shape of an HPA's spec, read from YAML or JSON
 * (the caller parses the text into maps and lists) and written back the same way. One shape serves
 * {@code PUT /api/v1/scaling/policy}, {@code bulwark scaling simulate --policy} and the server's
 * answer to {@code GET /api/v1/scaling}.
 *
 * <pre>{@code
 * minReplicas: 1
 * maxReplicas: 20
 * waitingJobsPerWorker: 10   # at least one of these three targets
 * cpuPercent: 70            # each worker's CPU use, percent of the CPUs it may use
 * memoryPercent: 80         # each worker's RSS, percent of its memory limit
 * requestsPerSecond: 200    # HTTP requests each worker serves per second, on average
 * errorPercent: 5           # the fleet's 5xx answers, percent of its requests
 * queueLagSeconds: 30       # the age of the oldest waiting job of the autoscaler's queues
 * perQueue:                 # optional: targets of one queue each, beside the fleet-wide ones
 *   mail: {waitingJobsPerWorker: 100, queueLagSeconds: 60}
 * tolerance: 0.1            # optional, default 0.1
 * behavior:                 # optional; each direction defaults to the HPA's
 *   scaleUp:
 *     stabilizationWindow: 0s
 *     selectPolicy: Max     # Max | Min | Disabled
 *     policies:
 *       - {type: Pods, value: 4, period: 15s}
 *       - {type: Percent, value: 100, period: 15s}
 *   scaleDown:
 *     stabilizationWindow: 5m
 *     policies:
 *       - {type: Percent, value: 100, period: 15s}
 * }</pre>
 *
 * <p>Reading collects every problem before failing, each naming its field path
 * ({@code behavior.scaleUp.policies[1].period}) and what is allowed.
 */
public final class PolicyDocument {

    /** The waiting jobs of the autoscaler's queues, per worker (an average value). */
    public static final String WAITING_JOBS = "waiting_jobs";
    /** Each worker's CPU use as a percent of the CPUs it may use (a utilization). */
    public static final String CPU = "cpu";
    /** Each worker's RSS as a percent of its memory limit (a utilization). */
    public static final String MEMORY = "memory";
    /** HTTP requests served per second, per worker (an average value of the fleet's total). */
    public static final String REQUESTS = "requests_per_second";
    /** The fleet's HTTP answers with a 5xx status, as a percent of its requests (a value). */
    public static final String ERRORS = "error_percent";
    /** The age in seconds of the oldest waiting job of the autoscaler's queues (a value, as an external metric). */
    public static final String QUEUE_LAG = "queue_lag_seconds";
    /**
     * Between a metric and the queue it is of, in the metric names of per-queue targets:
     * {@code waiting_jobs:mail}, {@code queue_lag_seconds:mail}.
     */
    public static final String OF_QUEUE = ":";
    private static final java.util.regex.Pattern QUEUE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> QUEUE_TARGETS = Set.of("waitingJobsPerWorker", "queueLagSeconds");

    private static final Set<String> TOP = Set.of("minReplicas", "maxReplicas", "waitingJobsPerWorker", "cpuPercent",
            "memoryPercent", "requestsPerSecond", "errorPercent", "queueLagSeconds", "perQueue", "tolerance", "behavior");
    private static final Set<String> RULES = Set.of("stabilizationWindow", "selectPolicy", "policies");
    private static final Set<String> POLICY = Set.of("type", "value", "period");

    private PolicyDocument() {
    }

    /** One problem in a document: the field path and what is wrong with it. */
    public record Problem(String field, String message) {
    }

    /** A document that is not a valid policy; {@link #problems()} names every field at fault. */
    public static final class InvalidPolicyException extends IllegalArgumentException {
        private final List<Problem> problems;

        public InvalidPolicyException(List<Problem> problems) {
            super("invalid scaling policy: " + String.join("; ", problems.stream().map(p -> p.field() + " " + p.message()).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /**
     * Reads a policy from a parsed document.
     *
     * @throws InvalidPolicyException naming each field at fault
     */
    public static AutoscalerPolicy read(Object document) {
        List<Problem> problems = new ArrayList<>();
        if (!(document instanceof Map<?, ?> doc)) {
            throw new InvalidPolicyException(List.of(new Problem("(document)", "must be an object with minReplicas, "
                    + "maxReplicas and waitingJobsPerWorker")));
        }
        unknown(doc, TOP, "", problems);
        Integer min = integer(doc, "minReplicas", "", problems, 0, 10_000, null);
        Integer max = integer(doc, "maxReplicas", "", problems, 1, 10_000, null);
        Double target = number(doc, "waitingJobsPerWorker", problems, 0.001, 1e9, Double.NaN);
        Double cpu = number(doc, "cpuPercent", problems, 0.1, 1000, Double.NaN);
        Double memory = number(doc, "memoryPercent", problems, 0.1, 1000, Double.NaN);
        Double requests = number(doc, "requestsPerSecond", problems, 0.001, 1e9, Double.NaN);
        Double errors = number(doc, "errorPercent", problems, 0.01, 100, Double.NaN);
        Double lag = number(doc, "queueLagSeconds", problems, 0.001, 1e9, Double.NaN);
        List<MetricTarget> perQueue = queueTargets(doc.get("perQueue"), problems);
        if (target != null && cpu != null && memory != null && requests != null && errors != null && lag != null
                && target.isNaN() && cpu.isNaN() && memory.isNaN() && requests.isNaN() && errors.isNaN() && lag.isNaN()
                && perQueue.isEmpty()) {
            problems.add(new Problem("waitingJobsPerWorker", "is required unless cpuPercent, memoryPercent, "
                    + "requestsPerSecond, errorPercent, queueLagSeconds or a queue's target is set: a number from 0.001 "
                    + "to 1.0E9"));
        }
        Double tolerance = number(doc, "tolerance", problems, 0, 0.99, 0.1);
        if (min != null && max != null && max < min) {
            problems.add(new Problem("maxReplicas", "must be >= minReplicas (" + min + ") but was " + max));
        }
        ScalingRules up = ScalingRules.defaultScaleUp();
        ScalingRules down = ScalingRules.defaultScaleDown();
        Object behavior = doc.get("behavior");
        if (behavior != null) {
            if (!(behavior instanceof Map<?, ?> b)) {
                problems.add(new Problem("behavior", "must be an object with scaleUp and/or scaleDown"));
            } else {
                unknown(b, Set.of("scaleUp", "scaleDown"), "behavior.", problems);
                up = rules(b.get("scaleUp"), "behavior.scaleUp", up, problems);
                down = rules(b.get("scaleDown"), "behavior.scaleDown", down, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        List<MetricTarget> targets = new ArrayList<>();
        if (!target.isNaN()) {
            targets.add(MetricTarget.averageValue(WAITING_JOBS, target));
        }
        if (!cpu.isNaN()) {
            targets.add(MetricTarget.utilization(CPU, cpu));
        }
        if (!memory.isNaN()) {
            targets.add(MetricTarget.utilization(MEMORY, memory));
        }
        if (!requests.isNaN()) {
            targets.add(MetricTarget.averageValue(REQUESTS, requests));
        }
        if (!errors.isNaN()) {
            targets.add(MetricTarget.value(ERRORS, errors));
        }
        if (!lag.isNaN()) {
            targets.add(MetricTarget.value(QUEUE_LAG, lag));
        }
        targets.addAll(perQueue);
        return new AutoscalerPolicy(min, max, targets, tolerance, up, down);
    }

    /** Writes a policy in the document's shape (the inverse of {@link #read}). */
    public static Map<String, Object> write(AutoscalerPolicy policy) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("minReplicas", policy.minReplicas());
        doc.put("maxReplicas", policy.maxReplicas());
        target(policy, WAITING_JOBS).ifPresent(v -> doc.put("waitingJobsPerWorker", v));
        target(policy, CPU).ifPresent(v -> doc.put("cpuPercent", v));
        target(policy, MEMORY).ifPresent(v -> doc.put("memoryPercent", v));
        target(policy, REQUESTS).ifPresent(v -> doc.put("requestsPerSecond", v));
        target(policy, ERRORS).ifPresent(v -> doc.put("errorPercent", v));
        target(policy, QUEUE_LAG).ifPresent(v -> doc.put("queueLagSeconds", v));
        Map<String, Map<String, Object>> queues = new java.util.TreeMap<>();
        for (MetricTarget t : policy.targets()) {
            int at = t.metric().indexOf(OF_QUEUE);
            if (at > 0) {
                String field = t.metric().startsWith(WAITING_JOBS + OF_QUEUE) ? "waitingJobsPerWorker" : "queueLagSeconds";
                queues.computeIfAbsent(t.metric().substring(at + 1), q -> new LinkedHashMap<>()).put(field, t.value());
            }
        }
        if (!queues.isEmpty()) {
            doc.put("perQueue", queues);
        }
        doc.put("tolerance", policy.tolerance());
        Map<String, Object> behavior = new LinkedHashMap<>();
        behavior.put("scaleUp", write(policy.scaleUp()));
        behavior.put("scaleDown", write(policy.scaleDown()));
        doc.put("behavior", behavior);
        return doc;
    }

    /** The target value of {@code metric} in {@code policy}, if it targets it. */
    public static java.util.Optional<Double> target(AutoscalerPolicy policy, String metric) {
        return policy.targets().stream().filter(t -> t.metric().equals(metric)).map(MetricTarget::value).findFirst();
    }

    private static Map<String, Object> write(ScalingRules rules) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stabilizationWindow", Durations.format(rules.stabilizationWindow()));
        m.put("selectPolicy", switch (rules.select()) {
            case MAX -> "Max";
            case MIN -> "Min";
            case DISABLED -> "Disabled";
        });
        List<Map<String, Object>> policies = new ArrayList<>();
        for (ScalingPolicy p : rules.policies()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("type", p.type() == ScalingPolicy.Type.PODS ? "Pods" : "Percent");
            pm.put("value", p.value());
            pm.put("period", Durations.format(p.period()));
            policies.add(pm);
        }
        m.put("policies", policies);
        return m;
    }

    private static ScalingRules rules(Object value, String path, ScalingRules defaults, List<Problem> problems) {
        if (value == null) {
            return defaults;
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(new Problem(path, "must be an object with stabilizationWindow, selectPolicy and policies"));
            return defaults;
        }
        unknown(m, RULES, path + ".", problems);
        int before = problems.size();
        Duration window = m.containsKey("stabilizationWindow")
                ? duration(m.get("stabilizationWindow"), path + ".stabilizationWindow", Duration.ZERO, Duration.ofHours(1), problems)
                : defaults.stabilizationWindow();
        ScalingRules.Select select = defaults.select();
        if (m.containsKey("selectPolicy")) {
            String s = String.valueOf(m.get("selectPolicy")).toLowerCase(Locale.ROOT);
            switch (s) {
                case "max" -> select = ScalingRules.Select.MAX;
                case "min" -> select = ScalingRules.Select.MIN;
                case "disabled" -> select = ScalingRules.Select.DISABLED;
                default -> problems.add(new Problem(path + ".selectPolicy", "must be Max, Min or Disabled but was '"
                        + m.get("selectPolicy") + "'"));
            }
        }
        List<ScalingPolicy> policies = defaults.policies();
        if (m.containsKey("policies")) {
            policies = new ArrayList<>();
            if (!(m.get("policies") instanceof List<?> list)) {
                problems.add(new Problem(path + ".policies", "must be a list of {type, value, period}"));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    ScalingPolicy p = policy(list.get(i), path + ".policies[" + i + "]", problems);
                    if (p != null) {
                        policies.add(p);
                    }
                }
                if (list.isEmpty() && select != ScalingRules.Select.DISABLED) {
                    problems.add(new Problem(path + ".policies", "must hold at least one policy unless selectPolicy is Disabled"));
                }
            }
        }
        return problems.size() > before ? defaults : new ScalingRules(window, select, policies);
    }

    private static ScalingPolicy policy(Object value, String path, List<Problem> problems) {
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(new Problem(path, "must be an object {type: Pods|Percent, value, period}"));
            return null;
        }
        unknown(m, POLICY, path + ".", problems);
        int before = problems.size();
        ScalingPolicy.Type type = null;
        String t = String.valueOf(m.get("type")).toLowerCase(Locale.ROOT);
        switch (t) {
            case "pods" -> type = ScalingPolicy.Type.PODS;
            case "percent" -> type = ScalingPolicy.Type.PERCENT;
            default -> problems.add(new Problem(path + ".type", "must be Pods or Percent but was '" + m.get("type") + "'"));
        }
        Integer v = integer(m, "value", path + ".", problems, 1, 100_000, null);
        Duration period = m.containsKey("period")
                ? duration(m.get("period"), path + ".period", Duration.ofSeconds(1), Duration.ofMinutes(30), problems)
                : missing(path + ".period", "a duration from 1s to 30m", problems);
        return problems.size() > before ? null : new ScalingPolicy(type, v, period);
    }

    private static Duration missing(String field, String allowed, List<Problem> problems) {
        problems.add(new Problem(field, "is required: " + allowed));
        return null;
    }

    private static Duration duration(Object value, String field, Duration min, Duration max, List<Problem> problems) {
        try {
            Duration d = Durations.parse(String.valueOf(value));
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                problems.add(new Problem(field, "must be between " + Durations.format(min) + " and " + Durations.format(max)
                        + " but was " + value));
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(field, "must be " + Durations.ACCEPTED + " but was '" + value + "'"));
            return null;
        }
    }

    private static Integer integer(Map<?, ?> m, String key, String prefix, List<Problem> problems, int min, int max,
                                   Integer fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) {
                problems.add(new Problem(prefix + key, "is required: an integer from " + min + " to " + max));
            }
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.intValue();
        }
        problems.add(new Problem(prefix + key, "must be an integer from " + min + " to " + max + " but was " + v));
        return null;
    }

    /** {@code perQueue: {name: {waitingJobsPerWorker, queueLagSeconds}}}: targets of one queue each. */
    private static List<MetricTarget> queueTargets(Object value, List<Problem> problems) {
        List<MetricTarget> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> queues)) {
            problems.add(new Problem("perQueue", "must be an object of queue names, each with waitingJobsPerWorker and/or "
                    + "queueLagSeconds"));
            return out;
        }
        for (Map.Entry<?, ?> e : new java.util.TreeMap<>(queues).entrySet()) {
            String queue = String.valueOf(e.getKey());
            String at = "perQueue." + queue;
            if (!QUEUE_NAME.matcher(queue).matches()) {
                problems.add(new Problem(at, "is not a queue name: 1 to 64 letters, digits, '.', '_' or '-', starting with "
                        + "a letter or digit"));
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> m) || m.isEmpty()) {
                problems.add(new Problem(at, "must be an object with waitingJobsPerWorker and/or queueLagSeconds"));
                continue;
            }
            unknown(m, QUEUE_TARGETS, at + ".", problems);
            Double waiting = number(m, "waitingJobsPerWorker", at + ".", problems, 0.001, 1e9);
            Double lag = number(m, "queueLagSeconds", at + ".", problems, 0.001, 1e9);
            if (waiting != null && !waiting.isNaN()) {
                out.add(MetricTarget.averageValue(WAITING_JOBS + OF_QUEUE + queue, waiting));
            }
            if (lag != null && !lag.isNaN()) {
                out.add(MetricTarget.value(QUEUE_LAG + OF_QUEUE + queue, lag));
            }
        }
        return out;
    }

    /** An optional number of a nested object: NaN when absent, null (with a problem) when wrong. */
    private static Double number(Map<?, ?> m, String key, String prefix, List<Problem> problems, double min, double max) {
        Object v = m.get(key);
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.doubleValue();
        }
        problems.add(new Problem(prefix + key, "must be a number from " + min + " to " + max + " but was " + v));
        return null;
    }

    private static Double number(Map<?, ?> m, String key, List<Problem> problems, double min, double max, Double fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) {
                problems.add(new Problem(key, "is required: a number from " + min + " to " + max));
            }
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.doubleValue();
        }
        problems.add(new Problem(key, "must be a number from " + min + " to " + max + " but was " + v));
        return null;
    }

    private static void unknown(Map<?, ?> m, Set<String> known, String prefix, List<Problem> problems) {
        for (Object k : m.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                problems.add(new Problem(prefix + k, "is not a policy field; allowed: " + known.stream().sorted().toList()));
            }
        }
    }
}
