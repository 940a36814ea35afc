package io.bulwark.deploy.rollout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The drivers and metric providers an installation offers, by name, and the checks a rollout
 * passes before it starts: known driver and providers, queries the sources accept (Prometheus is
 * asked to parse them), driver settings its factory accepts, a canary only on a driver that splits.
 *
 * <pre>{@code
 * RolloutCatalog catalog = RolloutCatalog.of(Map.of("nginx", nginxFactory), Map.of("prometheus", promFactory));
 * RolloutSpec spec = catalog.parseAndValidate(text); // throws InvalidRolloutException listing every problem
 * }</pre>
 */
public final class RolloutCatalog {

    private final Map<String, TrafficDriver.Factory> drivers;
    private final Map<String, MetricSourceFactory> providers;
    private final Map<String, MetricSource> sources = new ConcurrentHashMap<>();

    private RolloutCatalog(Map<String, TrafficDriver.Factory> drivers, Map<String, MetricSourceFactory> providers) {
        this.drivers = Map.copyOf(drivers);
        this.providers = Map.copyOf(providers);
    }

    /** A catalog of these drivers and providers, keyed by type and provider name. */
    public static RolloutCatalog of(Map<String, TrafficDriver.Factory> drivers, Map<String, MetricSourceFactory> providers) {
        return new RolloutCatalog(drivers, providers);
    }

    /** The driver types offered. */
    public java.util.Set<String> driverTypes() {
        return drivers.keySet();
    }

    /** The metric providers offered. */
    public java.util.Set<String> providers() {
        return providers.keySet();
    }

    /**
     * Parses and checks a definition, including its queries and driver settings.
     *
     * @throws InvalidRolloutException listing every problem, each naming its field
     */
    public RolloutSpec parseAndValidate(String text) {
        RolloutSpec spec = RolloutSpecs.parse(text);
        List<SpecError> errors = validate(spec);
        if (!errors.isEmpty()) {
            throw new InvalidRolloutException(errors);
        }
        return spec;
    }

    /** The problems of {@code spec} here; empty when it may start. */
    public List<SpecError> validate(RolloutSpec spec) {
        List<SpecError> errors = new ArrayList<>(RolloutSpecs.check(spec, drivers.keySet(), providers.keySet()));
        if (drivers.containsKey(spec.driver().type())) {
            try (TrafficDriver d = driver(spec)) {
                if (!d.splits() && spec.strategy() instanceof Strategy.Canary c && c.steps().stream()
                        .anyMatch(s -> s instanceof Step.SetWeight w && w.weight() > 0 && w.weight() < 100)) {
                    errors.add(new SpecError("driver.type", "driver " + d.type()
                            + " cannot split traffic; use strategy blueGreen, or a driver that splits"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new SpecError(fieldOf(e.getMessage(), "driver"), e.getMessage()));
            }
        }
        for (RolloutSpec.Located<MetricSpec> m : spec.metrics()) {
            if (!providers.containsKey(m.value().provider())) {
                continue;
            }
            String at = m.field() + ".provider." + m.value().provider();
            try {
                source(m.value()).validate(m.value().query());
            } catch (MetricSource.MetricException e) {
                errors.add(new SpecError(at + ".query", e.getMessage()));
            } catch (IllegalArgumentException e) {
                errors.add(new SpecError(at, e.getMessage()));
            }
        }
        return errors;
    }

    /** A new driver for {@code spec}. */
    public TrafficDriver driver(RolloutSpec spec) {
        TrafficDriver.Factory f = drivers.get(spec.driver().type());
        if (f == null) {
            throw new IllegalArgumentException("unknown driver '" + spec.driver().type() + "', known: " + drivers.keySet());
        }
        return f.create(spec.driver().settings());
    }

    /** The sources, one per provider and settings, made on first use. */
    public Function<MetricSpec, MetricSource> sources() {
        return this::source;
    }

    private MetricSource source(MetricSpec metric) {
        MetricSourceFactory f = providers.get(metric.provider());
        if (f == null) {
            throw new IllegalArgumentException("unknown provider '" + metric.provider() + "', known: " + providers.keySet());
        }
        String key = metric.provider() + new LinkedHashMap<>(metric.providerSettings());
        MetricSource existing = sources.get(key);
        if (existing != null) {
            return existing;
        }
        // Made outside computeIfAbsent: a factory may do I/O, and map locks must not pin virtual threads.
        MetricSource made = Objects.requireNonNull(f.create(metric.providerSettings()), "factory made no source");
        MetricSource raced = sources.putIfAbsent(key, made);
        return raced == null ? made : raced;
    }

    private static String fieldOf(String message, String fallback) {
        if (message != null && message.startsWith("driver.")) {
            int end = message.indexOf(' ');
            return end > 0 ? message.substring(0, end).replaceAll("[:,]$", "") : fallback;
        }
        return fallback;
    }
}
