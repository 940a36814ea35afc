package io.bulwark.scheduler;

import com.cronutils.model.CronType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The cron dialect a schedule's expression is read in (parsed by cron-utils).
 *
 * <ul>
 *   <li>{@link #UNIX}: 5 fields, {@code minute hour day-of-month month day-of-week}.</li>
 *   <li>{@link #SPRING}: 6 fields, seconds first; {@code *} and {@code ?} both allowed in the
 *       day fields.</li>
 *   <li>{@link #QUARTZ}: 6 or 7 fields, seconds first and an optional year; one of the day fields
 *       must be {@code ?}.</li>
 * </ul>
 *
 * <p>A schedule that names no flavour gets one from its field count: 5 is Unix, 6 Spring, 7
 * Quartz. The macros {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly},
 * {@code @daily}, {@code @midnight} and {@code @hourly} work in every flavour.
 */
public enum CronFlavour {
    UNIX(CronType.UNIX),
    SPRING(CronType.SPRING),
    QUARTZ(CronType.QUARTZ);

    private final CronType type;

    CronFlavour(CronType type) {
        this.type = type;
    }

    CronType type() {
        return type;
    }

    /** The lower-case name used in config and JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The flavour named {@code id} (case-insensitive); the message lists the allowed names. */
    public static CronFlavour parse(String id) {
        for (CronFlavour f : values()) {
            if (f.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("cron flavour must be one of " + allowed() + " but was '" + id + "'");
    }

    /** The allowed names, for messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(CronFlavour::id).collect(Collectors.joining(", "));
    }

    /** The flavour a bare expression of {@code fields} fields is read in. */
    static CronFlavour forFieldCount(int fields) {
        return switch (fields) {
            case 5 -> UNIX;
            case 6 -> SPRING;
            case 7 -> QUARTZ;
            default -> throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day-of-month month "
                    + "day-of-week), 6 (seconds first) or 7 (seconds first, year last), or is a macro such as @hourly, "
                    + "but this one has " + fields);
        };
    }
}
