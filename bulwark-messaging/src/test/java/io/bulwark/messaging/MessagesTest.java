package io.bulwark.messaging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is checked before anything reaches a broker. */
class MessagesTest {

    private static final Features NO_PRIORITIES = new Features(Features.Support.EMULATED, false, "stream order",
            Features.Support.EMULATED, 100);

    @Test
    void anOutgoingMessageNamesTheFieldThatIsWrong() {
        assertThatThrownBy(() -> Outgoing.text("x").key("").build()).hasMessageStartingWith("key must be");
        assertThatThrownBy(() -> Outgoing.text("x").header("bad name", "v").build()).hasMessageStartingWith("headers: 'bad name'");
        assertThatThrownBy(() -> Outgoing.text("x").delay(Duration.ofSeconds(-1)).build()).hasMessageStartingWith("delay must be");
        assertThatThrownBy(() -> Outgoing.text("x").priority(10).build()).hasMessageStartingWith("priority must be from 0 to 9");
        assertThat(Outgoing.json(Map.of("a", 1)).build().headers()).containsEntry("content-type", "application/json");
    }

    @Test
    void aBrokerRefusesWhatItCannotDoAndWhatIsTooLarge() {
        assertThatThrownBy(() -> Broker.check("t", Outgoing.text("x").priority(1).build(), NO_PRIORITIES, "redis-streams"))
                .hasMessage("priority: redis-streams has no message priorities; leave priority out");
        assertThatThrownBy(() -> Broker.check("t", Outgoing.bytes(new byte[101]).build(), NO_PRIORITIES, "redis-streams"))
                .hasMessageStartingWith("body: a message on redis-streams may have at most 100 bytes");
        assertThatThrownBy(() -> Broker.check("a/b", Outgoing.text("x").build(), NO_PRIORITIES, "redis-streams"))
                .hasMessageStartingWith("topic must be 1-200 letters");
    }

    @Test
    void subscribeOptionsAreCheckedAndPrefetchFollowsConcurrency() {
        assertThat(SubscribeOptions.builder().concurrency(4).build().prefetch()).isEqualTo(8);
        assertThatThrownBy(() -> SubscribeOptions.builder().concurrency(0).build()).hasMessageStartingWith("concurrency must be");
        assertThatThrownBy(() -> SubscribeOptions.builder().concurrency(4).prefetch(2).build())
                .hasMessageStartingWith("prefetch must be from concurrency (4)");
        assertThatThrownBy(() -> SubscribeOptions.builder().maxDeliveries(0).build()).hasMessageStartingWith("maxDeliveries");
        assertThatThrownBy(() -> SubscribeOptions.builder().claimAfter(Duration.ofMillis(10)).build())
                .hasMessageStartingWith("claimAfter must be at least 100ms");
    }

    @Test
    void aBodyThatIsNotTheExpectedJsonIsRejectedNotRetried() {
        Delivery d = new Delivery("id", "t", null, Map.of(), "{not json".getBytes(), 1, java.time.Instant.EPOCH);
        assertThatThrownBy(() -> d.json(Map.class)).isInstanceOf(Reject.class).hasMessageStartingWith("the body is not JSON");
    }
}
