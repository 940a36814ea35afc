package io.bulwark.core.events;

import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-04T10:00:00Z"));

    @Test
    void keepsTheLastEventsInOrderAndFiltersByIdAndKind() {
        EventLog log = new EventLog(clock, 3);
        for (int i = 0; i < 5; i++) {
            log.publish(i % 2 == 0 ? "breaker.opened" : "node.dead", Severity.WARNING, "s" + i, "m" + i);
        }
        assertThat(log.after(0, "", 10)).extracting(Event::id).containsExactly(3L, 4L, 5L);
        assertThat(log.after(3, "", 10)).extracting(Event::id).containsExactly(4L, 5L);
        assertThat(log.after(0, "breaker.", 10)).extracting(Event::subject).containsExactly("s2", "s4");
        assertThat(log.after(0, "", 1)).extracting(Event::id).as("the newest of them").containsExactly(5L);
        assertThat(log.after(0, "", 10).get(0).at()).isEqualTo(clock.instant());
    }

    @Test
    void everyListenerHearsEveryEventAndAFailingOneHurtsNoOne() {
        EventLog log = new EventLog(clock, 10);
        List<Event> heard = new ArrayList<>();
        log.subscribe(e -> {
            throw new IllegalStateException("boom");
        });
        log.subscribe(heard::add);
        Event e = log.publish("breaker.closed", Severity.INFO, "payments", "closed", Map.of("breaker", "payments"),
                "BulwarkBreakerOpen", true);
        assertThat(heard).containsExactly(e);
        assertThat(e.resolved()).isTrue();
        assertThat(e.labels()).containsEntry("breaker", "payments");
        assertThatThrownBy(() -> new EventLog(clock, 0)).hasMessageContaining("capacity must be between 1 and 1000000");
    }
}
