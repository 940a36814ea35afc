package io.bulwark.scheduler;

import io.bulwark.jobs.JobRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule: a cron expression in a time zone, what to start at each tick, and what to do with
 * ticks that were missed or that come while the previous run still goes. Built by
 * {@link #builder}, whose setters validate at once, naming the field and the bad value.
 *
 * <pre>{@code
 * Schedule nightly = Schedule.builder("nightly-report", "30 2 * * *")
 *         .zone(ZoneId.of("Europe/Berlin"))
 *         .target(new ScheduleTarget.Job("reports", "build-report", "{\"kind\":\"daily\"}", null, null))
 *         .overlap(OverlapPolicy.SKIP)
 *         .build();
 * }</pre>
 *
 * @param name 1-64 letters, digits, '.', '_', '-'
 * @param cron the expression with its flavour and zone
 * @param target what each tick starts
 * @param misfire what to do with missed ticks (default {@link MisfirePolicy#FIRE_ONCE})
 * @param catchUpLimit how many missed ticks {@link MisfirePolicy#CATCH_UP} fires at most (default 10)
 * @param misfireThreshold how late a tick may be started and still count as on time (default 1 minute)
 * @param overlap what a tick does while the previous run goes on (default {@link OverlapPolicy#ALLOW})
 * @param jitter each run starts at its tick plus a delay from 0 up to this, the same for a tick
 *        whichever node fires it (default none)
 * @param startAt no tick before this, or null
 * @param endAt no tick after this, or null
 * @param paused a paused schedule does not tick; on resume it goes on from the next tick
 * @param description free text for people, or null
 */
public record Schedule(String name, CronExpression cron, ScheduleTarget target, MisfirePolicy misfire, int catchUpLimit,
                       Duration misfireThreshold, OverlapPolicy overlap, Duration jitter, Instant startAt, Instant endAt,
                       boolean paused, String description) {

    /** Most missed ticks one catch-up may fire. */
    public static final int MAX_CATCH_UP = 1000;

    public Schedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(misfire, "misfire");
        Objects.requireNonNull(misfireThreshold, "misfireThreshold");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(jitter, "jitter");
    }

    /** A builder for the schedule {@code name} ticking at {@code cron} (UTC unless a zone is set). */
    public static Builder builder(String name, String cron) {
        return new Builder(name, cron);
    }

    /** A builder holding this schedule's values, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder(name, cron.text()).flavour(cron.flavour()).zone(cron.zone()).target(target)
                .misfire(misfire).catchUpLimit(catchUpLimit).misfireThreshold(misfireThreshold).overlap(overlap)
                .jitter(jitter).startAt(startAt).endAt(endAt).paused(paused).description(description);
        return b;
    }

    /** This schedule, paused or not. */
    public Schedule withPaused(boolean p) {
        return new Schedule(name, cron, target, misfire, catchUpLimit, misfireThreshold, overlap, jitter, startAt,
                endAt, p, description);
    }

    /**
     * The first tick strictly after {@code after} that lies within the start and end dates; empty
     * when the schedule has ended.
     */
    public Optional<Instant> nextTick(Instant after) {
        Instant from = startAt != null && startAt.isAfter(after) ? startAt.minusNanos(1) : after;
        Optional<Instant> next = cron.next(from);
        return next.filter(t -> endAt == null || !t.isAfter(endAt));
    }

    /** The last tick strictly before {@code before} within the start and end dates; empty when there is none. */
    public Optional<Instant> previousTick(Instant before) {
        Instant from = endAt != null && endAt.isBefore(before) ? endAt.plusNanos(1) : before;
        return cron.previous(from).filter(t -> startAt == null || !t.isBefore(startAt));
    }

    /** Builds a {@link Schedule}; each setter validates at once. */
    public static final class Builder {
        private final String name;
        private final String cronText;
        private CronFlavour flavour;
        private ZoneId zone = ZoneOffset.UTC;
        private ScheduleTarget target;
        private MisfirePolicy misfire = MisfirePolicy.FIRE_ONCE;
        private int catchUpLimit = 10;
        private Duration misfireThreshold = Duration.ofMinutes(1);
        private OverlapPolicy overlap = OverlapPolicy.ALLOW;
        private Duration jitter = Duration.ZERO;
        private Instant startAt;
        private Instant endAt;
        private boolean paused;
        private String description;

        private Builder(String name, String cron) {
            if (name == null || !JobRequest.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-' starting with a "
                        + "letter or digit but was '" + name + "'");
            }
            this.name = name;
            this.cronText = cron;
        }

        /** The cron flavour; null (the default) picks one by the field count. */
        public Builder flavour(CronFlavour f) {
            this.flavour = f;
            return this;
        }

        /** The zone the cron's wall-clock times are in (default UTC). */
        public Builder zone(ZoneId z) {
            this.zone = Objects.requireNonNull(z, "zone must be set");
            return this;
        }

        public Builder target(ScheduleTarget t) {
            this.target = Objects.requireNonNull(t, "target must be set");
            return this;
        }

        public Builder misfire(MisfirePolicy p) {
            this.misfire = Objects.requireNonNull(p, "misfire must be set");
            return this;
        }

        public Builder catchUpLimit(int n) {
            if (n < 1 || n > MAX_CATCH_UP) {
                throw new IllegalArgumentException("catchUpLimit must be 1 to " + MAX_CATCH_UP + " but was " + n);
            }
            this.catchUpLimit = n;
            return this;
        }

        public Builder misfireThreshold(Duration d) {
            if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("misfireThreshold must be at least 1s but was " + d);
            }
            this.misfireThreshold = d;
            return this;
        }

        public Builder overlap(OverlapPolicy p) {
            this.overlap = Objects.requireNonNull(p, "overlap must be set");
            return this;
        }

        public Builder jitter(Duration d) {
            if (d == null || d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("jitter must be 0 to 1d but was " + d);
            }
            this.jitter = d;
            return this;
        }

        public Builder startAt(Instant at) {
            this.startAt = at;
            return this;
        }

        public Builder endAt(Instant at) {
            this.endAt = at;
            return this;
        }

        public Builder paused(boolean p) {
            this.paused = p;
            return this;
        }

        public Builder description(String d) {
            if (d != null && d.length() > 500) {
                throw new IllegalArgumentException("description must be at most 500 characters but was " + d.length());
            }
            this.description = d;
            return this;
        }

        /** @throws IllegalArgumentException naming the field that is missing or wrong */
        public Schedule build() {
            CronExpression cron = CronExpression.parse(cronText, flavour, zone);
            if (target == null) {
                throw new IllegalArgumentException("target must be set: a job (queue, type, payload) or a pipeline");
            }
            if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
                throw new IllegalArgumentException("endAt must be after startAt (" + startAt + ") but was " + endAt);
            }
            return new Schedule(name, cron, target, misfire, catchUpLimit, misfireThreshold, overlap, jitter, startAt,
                    endAt, paused, description);
        }
    }
}
