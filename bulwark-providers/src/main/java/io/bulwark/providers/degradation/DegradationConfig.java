package io.bulwark.providers.degradation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A group's degradation strategy: which triggers put it in degraded mode, and which actions
 * then apply, in order.
 *
 * <pre>{@code
 * DegradationConfig d = DegradationConfig.builder()
 *         .triggers(EnumSet.of(BREAKER_OPEN, ERROR_RATE, LATENCY))
 *         .errorRateThreshold(0.5).latencyThreshold(Duration.ofSeconds(2))
 *         .actions(List.of(FALLBACK, CACHE, DEFAULT))
 *         .maxStaleness(Duration.ofMinutes(10)).defaultBody("{\"answer\":null}")
 *         .build();
 * }</pre>
 *
 * @param triggers what enters degraded mode ({@code all-unavailable} and {@code manual} always do)
 * @param errorRateThreshold for {@code error-rate}: a fraction in (0, 1]
 * @param latencyThreshold for {@code latency}: the p95 above which a provider triggers
 * @param window the window error rate and latency are measured over
 * @param minimumCalls fewer calls than this in the window never trigger error-rate or latency
 * @param actions applied in order while degraded; a call falls through to the next action
 *                until one answers
 * @param maxStaleness the oldest cached answer the {@code cache} action serves
 * @param defaultStatus the status of the {@code default} action's answer
 * @param defaultBody the body of the {@code default} action's answer
 */
public record DegradationConfig(Set<DegradationTrigger> triggers, double errorRateThreshold, Duration latencyThreshold,
                                Duration window, int minimumCalls, List<DegradationAction> actions,
                                Duration maxStaleness, int defaultStatus, String defaultBody) {

    public DegradationConfig {
        triggers = triggers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(triggers));
        actions = List.copyOf(actions);
        Objects.requireNonNull(latencyThreshold, "latencyThreshold");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        Objects.requireNonNull(defaultBody, "defaultBody");
    }

    /** Breaker-open and all-unavailable trigger; fall back along the chain, then a clear error. */
    public static DegradationConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder whose setters check their argument at once, naming it. */
    public static final class Builder {
        private Set<DegradationTrigger> triggers = EnumSet.of(DegradationTrigger.BREAKER_OPEN);
        private double errorRateThreshold = 0.5;
        private Duration latencyThreshold = Duration.ofSeconds(5);
        private Duration window = Duration.ofMinutes(1);
        private int minimumCalls = 10;
        private List<DegradationAction> actions = List.of(DegradationAction.FALLBACK, DegradationAction.ERROR);
        private Duration maxStaleness = Duration.ofMinutes(5);
        private int defaultStatus = 200;
        private String defaultBody = "";

        private Builder() {
        }

        public Builder triggers(Set<DegradationTrigger> value) {
            triggers = EnumSet.noneOf(DegradationTrigger.class);
            triggers.addAll(Objects.requireNonNull(value, "triggers"));
            return this;
        }

        public Builder errorRateThreshold(double value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("errorRateThreshold must be in (0, 1] but was " + value);
            }
            errorRateThreshold = value;
            return this;
        }

        public Builder latencyThreshold(Duration value) {
            requirePositive("latencyThreshold", value);
            latencyThreshold = value;
            return this;
        }

        public Builder window(Duration value) {
            requirePositive("window", value);
            window = value;
            return this;
        }

        public Builder minimumCalls(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("minimumCalls must be >= 1 but was " + value);
            }
            minimumCalls = value;
            return this;
        }

        public Builder actions(List<DegradationAction> value) {
            Objects.requireNonNull(value, "actions");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("actions must name at least one action");
            }
            if (value.size() != EnumSet.copyOf(value).size()) {
                throw new IllegalArgumentException("actions must not repeat an action but was " + value);
            }
            List<DegradationAction> ordered = new ArrayList<>(value);
            actions = ordered;
            return this;
        }

        public Builder maxStaleness(Duration value) {
            requirePositive("maxStaleness", value);
            maxStaleness = value;
            return this;
        }

        public Builder defaultStatus(int value) {
            if (value < 200 || value > 599) {
                throw new IllegalArgumentException("defaultStatus must be in 200..599 but was " + value);
            }
            defaultStatus = value;
            return this;
        }

        public Builder defaultBody(String value) {
            defaultBody = Objects.requireNonNull(value, "defaultBody");
            return this;
        }

        public DegradationConfig build() {
            return new DegradationConfig(triggers, errorRateThreshold, latencyThreshold, window, minimumCalls,
                    actions, maxStaleness, defaultStatus, defaultBody);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + value);
            }
        }
    }
}
