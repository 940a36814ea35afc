package io.bulwark.messaging.rabbitmq;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AckTagsTest {

    @Test
    void aMultipleAcknowledgementStopsBelowADeliveryStillHandled() {
        AckTags tags = new AckTags();
        for (long t = 1; t <= 6; t++) {
            tags.delivered(t);
        }
        assertThat(tags.settle(new long[] {1, 2, 4})).isEqualTo(2); // 3 still runs: 4 goes alone
        assertThat(tags.settle(new long[] {5, 6})).isZero();        // still below 3
        assertThat(tags.settle(new long[] {3})).isEqualTo(3);       // 3 covers 1-3; 4-6 went before
        assertThat(tags.settledTo()).isEqualTo(6);
    }

    @Test
    void aDeliveryGivenBackAloneLetsTheWatermarkPass() {
        AckTags tags = new AckTags();
        tags.settle(1); // released
        assertThat(tags.settle(new long[] {2, 3})).isEqualTo(3);
    }

    @Test
    void afterARecoveryTheOldTagsAreVoidAndDoNotHoldBackTheNewOnes() {
        AckTags tags = new AckTags();
        for (long t = 1; t <= 10; t++) {
            tags.delivered(t);
        }
        tags.settle(new long[] {1, 2});
        tags.reset(); // 3-10 were in flight when the connection dropped: RabbitMQ put them back
        assertThat(tags.delivered(11)).isTrue();
        tags.resume(11);
        assertThat(tags.delivered(12)).isFalse();
        assertThat(tags.settle(new long[] {11, 12})).isEqualTo(12);
    }

    /**
     * Whatever order handlers finish in and however the acknowledgements are batched, a multiple
     * acknowledgement never covers a delivery whose handler has not finished, and once all have
     * finished every one is covered.
     */
    @Property(tries = 300)
    void aMultipleAcknowledgementNeverCoversAnUnfinishedDelivery(@ForAll @IntRange(min = 1, max = 200) int n,
                                                                  @ForAll long seed) {
        Random random = new Random(seed);
        List<Long> order = new ArrayList<>();
        for (long t = 1; t <= n; t++) {
            order.add(t);
        }
        Collections.shuffle(order, random);
        AckTags tags = new AckTags();
        tags.delivered(n);
        Set<Long> finished = new HashSet<>();
        Set<Long> acked = new HashSet<>();
        int i = 0;
        while (i < n) {
            int size = 1 + random.nextInt(8);
            List<Long> batch = order.subList(i, Math.min(n, i + size));
            i += batch.size();
            finished.addAll(batch);
            long upTo = tags.settle(batch.stream().mapToLong(Long::longValue).sorted().toArray());
            for (long t = 1; t <= upTo; t++) {
                assertThat(finished).as("tag %d under a multiple ack up to %d", t, upTo).contains(t);
                acked.add(t);
            }
            batch.stream().filter(t -> t > upTo).forEach(acked::add);
        }
        assertThat(acked).hasSize(n);
        assertThat(tags.settledTo()).isEqualTo(n);
    }
}
