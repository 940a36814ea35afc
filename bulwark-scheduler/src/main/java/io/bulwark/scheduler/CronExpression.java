package io.bulwark.scheduler;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron expression read in a time zone: the instants at which a schedule ticks.
 *
 * <pre>{@code
 * CronExpression daily = CronExpression.parse("30 2 * * *", null, ZoneId.of("Europe/Berlin"));
 * Optional<Instant> next = daily.next(Instant.now());
 * }</pre>
 *
 * <h2>Daylight-saving time</h2>
 * cron-utils finds the wall-clock times that match; this class turns each into instants by the
 * zone's rules, the way Vixie cron does:
 * <ul>
 *   <li><b>A wall time that does not exist</b> (02:30 on a spring-forward day when clocks jump
 *       from 02:00 to 03:00) ticks once, at the first valid instant: the moment of the jump.
 *       Several such times (every 15 minutes through the gap) make one tick there.</li>
 *   <li><b>A wall time that happens twice</b> (01:30 on a fall-back day) ticks once, at its first
 *       occurrence, when the expression names its hours; when its hour field is {@code *} (it runs
 *       every hour) it ticks in both passes, so an "every 15 minutes" schedule keeps its pace
 *       through the repeated hour instead of pausing for one.</li>
 * </ul>
 * Ticks are whole instants; a schedule never ticks twice at one instant.
 */
public final class CronExpression {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final Map<CronFlavour, CronParser> PARSERS = Map.of(
            CronFlavour.UNIX, parser(CronFlavour.UNIX), CronFlavour.SPRING, parser(CronFlavour.SPRING),
            CronFlavour.QUARTZ, parser(CronFlavour.QUARTZ));
    /** Bounds the walk near a transition (an every-second expression through a 1-hour overlap). */
    private static final int MAX_STEPS = 100_000;

    private final String text;
    private final CronFlavour flavour;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final Cron cron;
    private final ExecutionTime times;
    private final boolean everyHour;

    private CronExpression(String text, CronFlavour flavour, ZoneId zone, Cron cron) {
        this.text = text;
        this.flavour = flavour;
        this.zone = zone;
        this.rules = zone.getRules();
        this.cron = cron;
        this.times = ExecutionTime.forCron(cron);
        this.everyHour = cron.retrieve(CronFieldName.HOUR).getExpression() instanceof Always;
    }

    /**
     * Reads {@code text} in {@code flavour} ({@code null}: by its field count) for {@code zone}.
     *
     * @throws IllegalArgumentException naming what is wrong with the expression and what is allowed
     */
    public static CronExpression parse(String text, CronFlavour flavour, ZoneId zone) {
        Objects.requireNonNull(zone, "zone must be set");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("cron must be set, e.g. '30 2 * * *' or '@hourly'");
        }
        String t = text.strip().replaceAll("\\s+", " ");
        String macro = MACROS.get(t.toLowerCase(Locale.ROOT));
        CronFlavour f = macro != null ? CronFlavour.UNIX : flavour != null ? flavour
                : CronFlavour.forFieldCount(t.split(" ").length);
        if (t.startsWith("@") && macro == null) {
            throw new IllegalArgumentException("cron macro '" + t + "' is not one of " + String.join(", ",
                    MACROS.keySet().stream().sorted().toList()));
        }
        try {
            return new CronExpression(t, f, zone, PARSERS.get(f).parse(macro != null ? macro : t).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + t + "' is not a valid " + f.id() + " expression: "
                    + e.getMessage(), e);
        }
    }

    /** The expression as written (whitespace collapsed). */
    public String text() {
        return text;
    }

    /** The flavour it was read in. */
    public CronFlavour flavour() {
        return flavour;
    }

    /** The zone its wall-clock times are in. */
    public ZoneId zone() {
        return zone;
    }

    /** A sentence for people, e.g. "at 02:30". */
    public String describe() {
        return CronDescriptor.instance(Locale.UK).describe(cron);
    }

    /** The first tick strictly after {@code after}; empty when there is none (a past year). */
    public Optional<Instant> next(Instant after) {
        LocalDateTime from = LocalDateTime.ofInstant(after, zone);
        ZoneOffsetTransition t = rules.nextTransition(after);
        if (t != null && t.isOverlap() && !after.isBefore(t.getInstant().minus(t.getDuration().abs()))) {
            // In the first pass of a repeated hour: the second pass has earlier wall times than now.
            LocalDateTime secondPass = t.getDateTimeAfter().minusNanos(1);
            from = secondPass.isBefore(from) ? secondPass : from;
        }
        Instant best = null;
        LocalDateTime local = from;
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<LocalDateTime> n = nextLocal(local);
            if (n.isEmpty()) {
                break;
            }
            local = n.get();
            List<Instant> at = instants(local);
            if (best != null && at.getFirst().isAfter(best)) {
                break;
            }
            for (Instant i2 : at) {
                if (i2.isAfter(after) && (best == null || i2.isBefore(best))) {
                    best = i2;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The last tick strictly before {@code before}; empty when there is none. */
    public Optional<Instant> previous(Instant before) {
        LocalDateTime from = LocalDateTime.ofInstant(before, zone);
        ZoneOffsetTransition t = rules.previousTransition(before.plusNanos(1));
        if (t != null && t.isOverlap() && before.isBefore(t.getInstant().plus(t.getDuration().abs()))) {
            // In the second pass of a repeated hour: the first pass has later wall times than now.
            LocalDateTime firstPass = t.getDateTimeBefore().plusNanos(1);
            from = firstPass.isAfter(from) ? firstPass : from;
        }
        Instant best = null;
        LocalDateTime local = from;
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<LocalDateTime> p = previousLocal(local);
            if (p.isEmpty()) {
                break;
            }
            local = p.get();
            List<Instant> at = instants(local);
            if (best != null && at.getLast().isBefore(best)) {
                break;
            }
            for (Instant i2 : at) {
                if (i2.isBefore(before) && (best == null || i2.isAfter(best))) {
                    best = i2;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Up to {@code count} ticks after {@code after}, in order. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant at = after;
        while (out.size() < count) {
            Optional<Instant> n = next(at);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get());
            at = n.get();
        }
        return out;
    }

    /** The instants a matching wall time stands for, earliest first (see the class notes). */
    private List<Instant> instants(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return List.of(rules.getTransition(local).getInstant());
        }
        Instant first = local.toInstant(offsets.getFirst());
        if (offsets.size() == 1 || !everyHour) {
            return List.of(first);
        }
        Instant second = local.toInstant(offsets.getLast());
        return first.isBefore(second) ? List.of(first, second) : List.of(second, first);
    }

    // Cron fields are whole seconds: from a time within a second, the next match is the next whole
    // second's, and the previous one may be that very second.
    private Optional<LocalDateTime> nextLocal(LocalDateTime after) {
        return times.nextExecution(after.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC))
                .map(z -> z.toLocalDateTime().withNano(0));
    }

    private Optional<LocalDateTime> previousLocal(LocalDateTime before) {
        LocalDateTime whole = before.getNano() == 0 ? before : before.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return times.lastExecution(whole.atZone(ZoneOffset.UTC)).map(z -> z.toLocalDateTime().withNano(0));
    }

    private static CronParser parser(CronFlavour f) {
        return new CronParser(CronDefinitionBuilder.instanceDefinitionFor(f.type()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression c && c.text.equals(text) && c.flavour == flavour && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, flavour, zone);
    }

    @Override
    public String toString() {
        return text + " (" + flavour.id() + ", " + zone + ")";
    }
}
