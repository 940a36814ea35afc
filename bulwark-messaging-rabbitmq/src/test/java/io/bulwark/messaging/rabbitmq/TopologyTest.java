package io.bulwark.messaging.rabbitmq;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyTest {

    private final Topology t = new Topology("bulwark.", false, InstantSource.system());

    @Test
    void namesTheExchangeAndQueues() {
        assertThat(t.exchange("orders")).isEqualTo("bulwark.orders");
        assertThat(t.groupQueue("orders", "billing")).isEqualTo("bulwark.orders:billing");
        assertThat(t.retryQueue("orders", "billing", 2000)).isEqualTo("bulwark.orders:billing:retry:2000");
        assertThat(t.delayQueue("orders", 1500)).isEqualTo("bulwark.orders.delay.1500");
        assertThat(t.deadQueue("orders")).isEqualTo("bulwark.orders.dead");
    }

    @Test
    void dottedTopicsAndGroupsNeverShareAQueue() {
        assertThat(t.groupQueue("a.b", "c")).isNotEqualTo(t.groupQueue("a", "b.c"));
        assertThat(t.groupQueue("orders", "dead")).isNotEqualTo(t.deadQueue("orders"));
        assertThat(t.groupQueue("orders", "delay.5")).isNotEqualTo(t.delayQueue("orders", 5));
        assertThat(t.retryQueue("a", "b", 5)).isNotEqualTo(t.groupQueue("a", "b.retry.5"));
    }

    /** Two different (topic, group) pairs, or a pair and a topic-level queue, never get one name. */
    @Property
    void everyQueueNameIsItsOwn(@ForAll @AlphaChars @Chars({'.', '-'}) @StringLength(min = 1, max = 8) String topic1,
                                @ForAll @AlphaChars @Chars({'.', '-'}) @StringLength(min = 1, max = 8) String group1,
                                @ForAll @AlphaChars @Chars({'.', '-'}) @StringLength(min = 1, max = 8) String topic2,
                                @ForAll @AlphaChars @Chars({'.', '-'}) @StringLength(min = 1, max = 8) String group2) {
        if (!topic1.equals(topic2) || !group1.equals(group2)) {
            assertThat(t.groupQueue(topic1, group1)).isNotEqualTo(t.groupQueue(topic2, group2));
            assertThat(t.retryQueue(topic1, group1, 100)).isNotEqualTo(t.retryQueue(topic2, group2, 100));
        }
        assertThat(t.groupQueue(topic1, group1)).isNotIn(t.deadQueue(topic2), t.delayQueue(topic2, 100),
                t.retryQueue(topic2, group2, 100));
        if (!topic1.equals(topic2)) {
            assertThat(t.deadQueue(topic1)).isNotEqualTo(t.deadQueue(topic2));
            assertThat(t.delayQueue(topic1, 100)).isNotEqualTo(t.delayQueue(topic2, 100));
        }
        assertThat(t.deadQueue(topic1)).isNotEqualTo(t.delayQueue(topic2, 100));
    }

    @Test
    void refusesATopicAndGroupWhoseQueueNamesWouldBeTooLong() {
        t.requireFits("t".repeat(200), "g".repeat(28));
        assertThatThrownBy(() -> t.requireFits("t".repeat(200), "g".repeat(29)))
                .hasMessageStartingWith("group: on rabbitmq a topic and group may have at most 228 characters together"
                        + " (a queue name has at most 255 bytes) but '");
        assertThat(t.retryQueue("t".repeat(200), "g".repeat(28), Topology.MAX_DELAY_MS)).hasSize(255);
    }
}
