package io.bulwark.resilience.timeout;

import io.bulwark.resilience.internal.Checks;
import java.time.Duration;

/**
 * How long a call may run before a {@link Timeout} interrupts it.
 *
 * <pre>{@code
 * TimeoutConfig config = TimeoutConfig.of(Duration.ofSeconds(2));
 * }</pre>
 *
 * @param timeout the limit, > 0
 */
public record TimeoutConfig(Duration timeout) {

    private static final TimeoutConfig DEFAULTS = new TimeoutConfig(Duration.ofSeconds(10));

    public TimeoutConfig {
        Checks.positive("timeout", timeout);
    }

    /** A limit of {@code timeout}. */
    public static TimeoutConfig of(Duration timeout) {
        return new TimeoutConfig(timeout);
    }

    /** 10 seconds. */
    public static TimeoutConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TimeoutConfig}; the setter validates its value at once. */
    public static final class Builder {
        private Duration timeout = DEFAULTS.timeout;

        private Builder() {
        }

        /** The limit, > 0 (default 10s). */
        public Builder timeout(Duration d) {
            this.timeout = Checks.positive("timeout", d);
            return this;
        }

        /** The config. */
        public TimeoutConfig build() {
            return new TimeoutConfig(timeout);
        }
    }
}
