package io.bulwark.server.internal.jobs;

import io.bulwark.core.units.Durations;
import io.bulwark.jobs.Backoff;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.server.http.FieldError;

import java.time.Duration;
import java.util.List;

/**
 * Queue settings as the API and the persisted JSON spell them. In a PUT every field is optional:
 * what is absent keeps its current value.
 */
public record QueueView(Integer concurrency, Double ratePerSecond, Integer burst, Long maxSize, Integer priority,
                        Integer maxAttempts, EnqueueBody.BackoffBody backoff, String timeout, Boolean paused) {

    public static QueueView of(QueueSettings s) {
        return new QueueView(s.concurrency(), s.ratePerSecond(), s.burst(), s.maxSize(), s.priority(), s.maxAttempts(),
                new EnqueueBody.BackoffBody(Durations.format(s.backoff().base()), s.backoff().factor(), Durations.format(s.backoff().cap())),
                Durations.format(s.timeout()), s.paused());
    }

    /** {@code current} with this view's fields applied; errors are added per bad field and null returned. */
    public QueueSettings applyTo(QueueSettings current, List<FieldError> errors) {
        int before = errors.size();
        check(concurrency != null && (concurrency < 1 || concurrency > 10_000), "concurrency", "must be from 1 to 10000 but was " + concurrency, errors);
        check(ratePerSecond != null && !(ratePerSecond >= 0), "ratePerSecond", "must be >= 0 (0 for no limit) but was " + ratePerSecond, errors);
        check(burst != null && burst < 1, "burst", "must be >= 1 but was " + burst, errors);
        check(maxSize != null && maxSize < 0, "maxSize", "must be >= 0 (0 for no limit) but was " + maxSize, errors);
        check(priority != null && (priority < 0 || priority > 9), "priority", "must be from 0 (highest) to 9 but was " + priority, errors);
        check(maxAttempts != null && (maxAttempts < 1 || maxAttempts > 1000), "maxAttempts", "must be from 1 to 1000 but was " + maxAttempts, errors);
        Duration t = null;
        if (timeout != null) {
            try {
                t = Durations.parse(timeout);
                check(t.isZero(), "timeout", "must be > 0", errors);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("timeout", e.getMessage()));
            }
        }
        Backoff b = current.backoff();
        if (backoff != null) {
            try {
                b = Backoff.of(backoff.base() == null ? b.base() : Durations.parse(backoff.base()),
                        backoff.factor() == null ? b.factor() : backoff.factor(),
                        backoff.cap() == null ? b.cap() : Durations.parse(backoff.cap()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("backoff", e.getMessage()));
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new QueueSettings(concurrency != null ? concurrency : current.concurrency(),
                ratePerSecond != null ? ratePerSecond : current.ratePerSecond(),
                burst != null ? burst : current.burst(), maxSize != null ? maxSize : current.maxSize(),
                priority != null ? priority : current.priority(), maxAttempts != null ? maxAttempts : current.maxAttempts(),
                b, t != null ? t : current.timeout(), paused != null ? paused : current.paused());
    }

    private static void check(boolean bad, String field, String message, List<FieldError> errors) {
        if (bad) {
            errors.add(new FieldError(field, message));
        }
    }
}
