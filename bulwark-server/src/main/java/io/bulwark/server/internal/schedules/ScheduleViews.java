package io.bulwark.server.internal.schedules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.Launcher;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.scheduler.Scheduler;
import io.bulwark.scheduler.store.ScheduleRow;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The JSON the schedule routes answer with: a schedule as stored, its firings, its next ticks. */
final class ScheduleViews {

    private ScheduleViews() {
    }

    /**
     * The schedule's JSON form ({@link ScheduleJson#write}) plus {@code source}, {@code nextAt},
     * {@code version}, {@code createdAt}, {@code updatedAt} and {@code lastFiring} (null before the
     * first).
     */
    static ObjectNode row(ScheduleRow row, List<Scheduler.FiringView> last) {
        ObjectNode o = ScheduleJson.write(row.schedule());
        o.put("source", row.source());
        o.put("nextAt", row.nextAt() == null ? null : row.nextAt().toString());
        o.put("version", row.version());
        o.put("createdAt", row.createdAt().toString());
        o.put("updatedAt", row.updatedAt().toString());
        o.set("lastFiring", last.isEmpty() ? Json.mapper().nullNode() : firing(last.getFirst()));
        return o;
    }

    /** A firing with the state of the run it started ({@code run} null when it started none). */
    static ObjectNode firing(Scheduler.FiringView v) {
        ObjectNode o = firing(v.firing());
        Launcher.RunStatus run = v.run();
        if (run == null) {
            o.putNull("run");
        } else {
            o.putObject("run").put("state", run.state()).put("finished", run.finished());
        }
        return o;
    }

    /** A firing: state, tick, at, ref, count, reason, lag. */
    static ObjectNode firing(Firing f) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("state", f.state().id());
        o.put("tick", f.tick().toString());
        o.put("at", f.at().toString());
        o.put("ref", f.ref());
        o.put("count", f.count());
        o.put("reason", f.reason());
        o.put("lag", Durations.format(f.lag()));
        return o;
    }

    /** Each tick in UTC and in the schedule's zone (with its offset, which tells DST apart). */
    static ArrayNode ticks(Schedule s, List<Instant> ticks) {
        ZoneId zone = s.cron().zone();
        ArrayNode a = Json.mapper().createArrayNode();
        for (Instant t : ticks) {
            a.addObject().put("utc", t.toString())
                    .put("local", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone)));
        }
        return a;
    }
}
