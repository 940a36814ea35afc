package io.bulwark.kubernetes.jobs;

import io.bulwark.core.units.Durations;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The payload of a {@code builtin.kubernetes-job} job: which image to run as a Kubernetes Job,
 * and how. Jackson binds it from the job's JSON payload (unknown fields are rejected);
 * {@link #validate()} lists every problem at once, so one failed attempt tells the whole story.
 *
 * <pre>{@code
 * {"image": "ghcr.io/acme/report:1.4", "args": ["--month", "2024-05"],
 *  "env": {"REGION": "eu"}, "resources": {"cpu": "500m", "memory": "512Mi"},
 *  "activeDeadline": "10m"}
 * }</pre>
 *
 * @param image the container image (required)
 * @param command the container's entrypoint, replacing the image's (optional)
 * @param args the arguments (optional)
 * @param env environment variables, in order (a later value may refer to an earlier one as {@code $(NAME)})
 * @param namespace where the Job runs (default: the client's namespace, else {@code default})
 * @param resources cpu and memory, set as both requests and limits (optional)
 * @param serviceAccount the pod's service account (default: the namespace's {@code default})
 * @param activeDeadline how long the Job may run before Kubernetes stops it, e.g. {@code 10m}
 *                       (default: the Bulwark job's timeout)
 * @param ttlAfterFinished how long the finished Job and its pod stay for inspection (default {@code 1h}, at least {@code 1m})
 * @param labels extra labels on the Job and its pod (keys under {@code bulwark.io/} are Bulwark's)
 */
public record KubernetesJobSpec(String image, List<String> command, List<String> args, Map<String, String> env,
                                String namespace, Resources resources, String serviceAccount, String activeDeadline,
                                String ttlAfterFinished, Map<String, String> labels) {

    /** {@link #ttlAfterFinished()} when none is given. */
    public static final Duration DEFAULT_TTL_AFTER_FINISHED = Duration.ofHours(1);
    /** The shortest {@link #ttlAfterFinished()}: the Job must outlive its end long enough for Bulwark to read it. */
    public static final Duration MIN_TTL_AFTER_FINISHED = Duration.ofMinutes(1);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /**
     * CPU and memory for the container, each set as both request and limit (so the pod is
     * {@code Guaranteed} when both are given).
     *
     * @param cpu a Kubernetes quantity such as {@code 500m} or {@code 2}
     * @param memory a Kubernetes quantity such as {@code 512Mi} or {@code 2Gi}
     */
    public record Resources(String cpu, String memory) {
    }

    public KubernetesJobSpec {
        command = command == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(command));
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A spec that runs {@code image} with every other field at its default. */
    public static KubernetesJobSpec of(String image) {
        return new KubernetesJobSpec(image, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Every problem with this spec, each starting with the field it concerns
     * ({@code "image: is required"}); empty when the spec can run.
     */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (image == null || image.isBlank()) {
            problems.add("image: is required");
        } else if (!image.equals(image.strip()) || image.chars().anyMatch(Character::isWhitespace)) {
            problems.add("image: must not contain whitespace but was '" + image + "'");
        }
        noNulls("command", command, problems);
        noNulls("args", args, problems);
        env.forEach((name, value) -> {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                problems.add("env: '" + name + "' is not a variable name (letters, digits, '_', '-' or '.', not "
                        + "starting with a digit)");
            } else if (value == null) {
                problems.add("env: " + name + " has no value (use \"\" for an empty one)");
            }
        });
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            problems.add("namespace: must be a DNS-1123 label (1 to 63 lower-case letters, digits or '-', starting and "
                    + "ending with a letter or digit) but was '" + namespace + "'");
        }
        if (resources != null) {
            quantity("resources.cpu", resources.cpu(), "500m, 1 or 2", problems);
            quantity("resources.memory", resources.memory(), "512Mi, 2Gi or 500M", problems);
        }
        if (serviceAccount != null && !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
            problems.add("serviceAccount: must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at "
                    + "most 253) but was '" + serviceAccount + "'");
        }
        duration("activeDeadline", activeDeadline, Duration.ofSeconds(1), problems);
        duration("ttlAfterFinished", ttlAfterFinished, MIN_TTL_AFTER_FINISHED, problems);
        labels.forEach((key, value) -> label(key, value, problems));
        return List.copyOf(problems);
    }

    /** The parsed {@link #activeDeadline()}, if given; call after {@link #validate()}. */
    public Optional<Duration> activeDeadlineDuration() {
        return activeDeadline == null ? Optional.empty() : Optional.of(Durations.parse(activeDeadline));
    }

    /** The parsed {@link #ttlAfterFinished()}, or its default; call after {@link #validate()}. */
    public Duration ttlAfterFinishedDuration() {
        return ttlAfterFinished == null ? DEFAULT_TTL_AFTER_FINISHED : Durations.parse(ttlAfterFinished);
    }

    private static void noNulls(String field, List<String> values, List<String> problems) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                problems.add(field + ": element " + i + " is null");
            }
        }
    }

    private static void quantity(String field, String text, String examples, List<String> problems) {
        if (text == null) {
            return;
        }
        BigDecimal amount;
        try {
            amount = Quantity.getAmountInBytes(Quantity.parse(text));
        } catch (RuntimeException e) {
            problems.add(field + ": '" + text + "' is not a Kubernetes quantity (such as " + examples + ")");
            return;
        }
        if (amount.signum() <= 0) {
            problems.add(field + ": must be > 0 but was '" + text + "'");
        }
    }

    private static void duration(String field, String text, Duration min, List<String> problems) {
        if (text == null) {
            return;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
            return;
        }
        if (d.compareTo(min) < 0) {
            problems.add(field + ": must be at least " + Durations.format(min) + " but was '" + text + "'");
        } else if (d.toSeconds() >= Integer.MAX_VALUE) {
            problems.add(field + ": must be less than " + Integer.MAX_VALUE + "s but was '" + text + "'");
        }
    }

    private static void label(String key, String value, List<String> problems) {
        if (key == null || !labelKey(key)) {
            problems.add("labels: '" + key + "' is not a label key (an optional DNS subdomain prefix and '/', then 1 to "
                    + "63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
            return;
        }
        if (key.startsWith("bulwark.io/") || key.equals(KubernetesJobHandler.MANAGED_BY_LABEL)) {
            problems.add("labels: '" + key + "' is set by Bulwark and cannot be given");
        }
        if (value == null || !(value.isEmpty() || LABEL_NAME.matcher(value).matches())) {
            problems.add("labels: the value of '" + key + "' must be at most 63 letters, digits, '-', '_' or '.', "
                    + "starting and ending with a letter or digit, but was '" + value + "'");
        }
    }

    private static boolean labelKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        String prefix = slash < 0 ? null : key.substring(0, slash);
        return LABEL_NAME.matcher(name).matches() && (prefix == null || DNS_SUBDOMAIN.matcher(prefix).matches());
    }
}
