package io.bulwark.resilience.breaker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CountWindowSlotTest {

    @Test
    void theSlotByMultiplicationIsTheRemainderForEverySizeAndTicket() {
        SplittableRandom random = new SplittableRandom(21);
        for (int size = 1; size <= 2_000; size++) {
            CountWindow window = new CountWindow(size, new SuccessTally());
            long[] edges = {0, 1, size - 1L, size, size + 1L, (1L << 40) - 1, 1L << 40, (1L << 40) + 1,
                    SuccessTally.CLOSED, SuccessTally.CLOSED + size, Long.MAX_VALUE};
            for (long t : edges) {
                assertThat(window.slotOf(t)).as("ticket %d, size %d", t, size).isEqualTo(Long.remainderUnsigned(t, size));
            }
            for (int i = 0; i < 500; i++) {
                long t = random.nextLong(1L << 41);
                assertThat(window.slotOf(t)).as("ticket %d, size %d", t, size).isEqualTo(Long.remainderUnsigned(t, size));
                long near = (random.nextLong(1L << 40) / size) * size + random.nextInt(-1, 2); // multiples and neighbours
                if (near >= 0) {
                    assertThat(window.slotOf(near)).as("ticket %d, size %d", near, size)
                            .isEqualTo(Long.remainderUnsigned(near, size));
                }
            }
        }
    }
}
