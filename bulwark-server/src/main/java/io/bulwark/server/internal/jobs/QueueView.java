package io.bulwark.server.internal.jobs;

import io.bulwark.core.units.Durations;
import io.bulwark.jobs.JobLimits;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.internal.http.Fields;

import java.time.Duration;
import java.util.List;

/**
 * Queue settings as the API and the persisted JSON spell them. In a PUT every field is optional:
 * what is absent keeps its current value. {@code discardAfter} is a duration or {@value #NEVER}
 * (jobs of the queue do not expire unless they say so).
 */
public record QueueView(Integer concurrency, Double ratePerSecond, Integer burst, Long maxSize, Integer priority,
                        Integer maxAttempts, EnqueueBody.BackoffBody backoff, String timeout, Boolean paused,
                        String discardAfter) {

    /** The {@code discardAfter} of a queue whose jobs do not expire by default. */
    public static final String NEVER = "never";

    public static QueueView of(QueueSettings s) {
        return new QueueView(s.concurrency(), s.ratePerSecond(), s.burst(), s.maxSize(), s.priority(), s.maxAttempts(),
                new EnqueueBody.BackoffBody(Durations.format(s.backoff().base()), s.backoff().factor(), Durations.format(s.backoff().cap())),
                Durations.format(s.timeout()), s.paused(),
                s.discardAfter() == null ? NEVER : Durations.format(s.discardAfter()));
    }

    /**
     * {@code current} with this view's fields applied, each checked against {@link JobLimits}
     * (the ranges of the {@code jobs.queues.*} keys); errors are added per bad field and null returned.
     */
    public QueueSettings applyTo(QueueSettings current, List<FieldError> errors) {
        int before = errors.size();
        Integer c = Fields.check("concurrency", JobLimits.CONCURRENCY, concurrency, errors);
        Double rate = Fields.check("ratePerSecond", JobLimits.RATE_PER_SECOND, ratePerSecond, errors);
        Integer bu = Fields.check("burst", JobLimits.BURST, burst, errors);
        Integer size = Fields.check("maxSize", JobLimits.MAX_SIZE, maxSize, errors);
        Integer p = Fields.check("priority", JobLimits.PRIORITY, priority, errors);
        Integer attempts = Fields.check("maxAttempts", JobLimits.MAX_ATTEMPTS, maxAttempts, errors);
        Duration t = Fields.check("timeout", JobLimits.TIMEOUT, timeout, errors);
        Backoff b = backoff == null ? current.backoff() : backoff.resolve("backoff.", current.backoff(), errors);
        boolean never = NEVER.equals(discardAfter);
        Duration discard = never ? null : Fields.check("discardAfter", JobLimits.DISCARD_AFTER, discardAfter, errors);
        if (errors.size() > before) {
            return null;
        }
        return new QueueSettings(c != null ? c : current.concurrency(), rate != null ? rate : current.ratePerSecond(),
                bu != null ? bu : current.burst(), size != null ? size : current.maxSize(),
                p != null ? p : current.priority(), attempts != null ? attempts : current.maxAttempts(),
                b, t != null ? t : current.timeout(), paused != null ? paused : current.paused(),
                never ? null : discard != null ? discard : current.discardAfter());
    }
}
