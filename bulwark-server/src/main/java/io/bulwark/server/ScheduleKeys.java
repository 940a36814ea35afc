package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.jobs.JobLimits;
import io.bulwark.scheduler.Schedule;

import java.time.Duration;
import java.util.List;

/**
 * Config keys of the schedules declared in the config file: {@code schedules.<name>.*}. A
 * schedule exists when its {@code cron} key is set; the keys mirror the schedule's JSON form
 * ({@code job.queue} is {@code "job": {"queue": ...}}), and every value is checked by the same
 * reader as a REST body, so a bad value fails the start naming its key.
 */
public final class ScheduleKeys {

    /** The prefix of every schedule key. */
    public static final String PREFIX = "schedules.";

    public static final ConfigKey<String> CRON = ConfigKey.builder("schedules.*.cron", ValueTypes.string())
            .description("The cron expression: 5 fields (minute first), 6 (seconds first) or 7 (seconds first, year "
                    + "last), or a macro such as @hourly; setting this key creates the schedule.").build();

    public static final ConfigKey<String> FLAVOUR = ConfigKey.builder("schedules.*.flavour",
                    ValueTypes.oneOf("unix", "spring", "quartz"))
            .description("The cron dialect; unset: by the field count (5 unix, 6 spring, 7 quartz).").build();

    public static final ConfigKey<String> ZONE = ConfigKey.builder("schedules.*.zone", ValueTypes.string())
            .description("The IANA time zone the cron's wall-clock times are in, e.g. Europe/Berlin (default UTC).")
            .build();

    public static final ConfigKey<String> JOB_QUEUE = ConfigKey.builder("schedules.*.job.queue", ValueTypes.string())
            .description("The queue of the job each tick enqueues (default default).").build();

    public static final ConfigKey<String> JOB_TYPE = ConfigKey.builder("schedules.*.job.type", ValueTypes.string())
            .description("The handler type of the job each tick enqueues, e.g. builtin.noop.").build();

    public static final ConfigKey<String> JOB_PAYLOAD = ConfigKey.builder("schedules.*.job.payload", ValueTypes.string())
            .description("The job's payload as JSON text, e.g. {\"kind\":\"daily\"} (default {}).").build();

    public static final ConfigKey<Integer> JOB_PRIORITY = ConfigKey.builder("schedules.*.job.priority", JobLimits.PRIORITY)
            .description("The job's priority, 0 (highest) to 9; unset: the queue's default.").build();

    public static final ConfigKey<Integer> JOB_MAX_ATTEMPTS = ConfigKey
            .builder("schedules.*.job.maxAttempts", JobLimits.MAX_ATTEMPTS)
            .description("The job's attempts; unset: the queue's default.").build();

    public static final ConfigKey<String> PIPELINE_ID = ConfigKey.builder("schedules.*.pipeline.id", ValueTypes.string())
            .description("The pipeline each tick starts a run of (its latest version) instead of enqueuing a job.")
            .build();

    public static final ConfigKey<String> PIPELINE_INPUT = ConfigKey
            .builder("schedules.*.pipeline.input", ValueTypes.string())
            .description("The pipeline run's input as JSON text (default {}).").build();

    public static final ConfigKey<String> MISFIRE = ConfigKey.builder("schedules.*.misfire",
                    ValueTypes.oneOf("fire-once", "skip", "catch-up"))
            .description("What to do with ticks missed while no leader ran (default fire-once).").build();

    public static final ConfigKey<Integer> CATCH_UP_LIMIT = ConfigKey
            .builder("schedules.*.catchUpLimit", ValueTypes.integer(1, Schedule.MAX_CATCH_UP))
            .description("Most missed ticks misfire=catch-up fires (default 10).").build();

    public static final ConfigKey<Duration> MISFIRE_THRESHOLD = ConfigKey
            .builder("schedules.*.misfireThreshold", ValueTypes.duration(Duration.ofSeconds(1), Duration.ofDays(3650)))
            .description("How late a tick may be fired and still count as on time (default 1m).").build();

    public static final ConfigKey<String> OVERLAP = ConfigKey.builder("schedules.*.overlap",
                    ValueTypes.oneOf("allow", "skip", "queue"))
            .description("What a tick does while the previous run still goes (default allow).").build();

    public static final ConfigKey<Duration> JITTER = ConfigKey
            .builder("schedules.*.jitter", ValueTypes.duration(Duration.ZERO, Duration.ofDays(1)))
            .description("Each run starts at its tick plus up to this much, the same for a tick on every node "
                    + "(default 0s).").build();

    public static final ConfigKey<String> START_AT = ConfigKey.builder("schedules.*.startAt", ValueTypes.string())
            .description("No tick before this ISO-8601 UTC time, e.g. 2027-01-01T00:00:00Z.").build();

    public static final ConfigKey<String> END_AT = ConfigKey.builder("schedules.*.endAt", ValueTypes.string())
            .description("No tick after this ISO-8601 UTC time.").build();

    public static final ConfigKey<Boolean> PAUSED = ConfigKey.builder("schedules.*.paused", ValueTypes.bool())
            .description("Declared paused: it does not tick until resumed (default false).").build();

    public static final ConfigKey<String> DESCRIPTION = ConfigKey.builder("schedules.*.description", ValueTypes.string())
            .description("Free text for people, at most 500 characters.").build();

    /** Every schedule key. */
    public static final List<ConfigKey<?>> ALL = List.of(CRON, FLAVOUR, ZONE, JOB_QUEUE, JOB_TYPE, JOB_PAYLOAD,
            JOB_PRIORITY, JOB_MAX_ATTEMPTS, PIPELINE_ID, PIPELINE_INPUT, MISFIRE, CATCH_UP_LIMIT, MISFIRE_THRESHOLD,
            OVERLAP, JITTER, START_AT, END_AT, PAUSED, DESCRIPTION);

    private ScheduleKeys() {
    }

    /** The concrete key of {@code pattern} for schedule {@code name}, e.g. {@code schedules.nightly.cron}. */
    public static String keyOf(ConfigKey<?> pattern, String name) {
        return pattern.name().replace("*", name);
    }

    /** The field of the schedule's JSON form a key sets: {@code job.queue} for {@code schedules.*.job.queue}. */
    public static String field(ConfigKey<?> pattern) {
        return pattern.name().substring((PREFIX + "*.").length());
    }
}
