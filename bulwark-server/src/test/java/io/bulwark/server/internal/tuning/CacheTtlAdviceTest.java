package io.bulwark.server.internal.tuning;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The ttl rule from figures made by hand: misses of keys that expired, by how much longer a ttl would have served them. */
class CacheTtlAdviceTest {

    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(1);

    private static Figures.Cache cache(double hits, double misses, double expired, double r2, double r4, double r8,
                                       double later) {
        return new Figures.Cache(hits, misses, expired, 100, expired,
                Map.of("2x", r2, "4x", r4, "8x", r8, "later", later));
    }

    private static List<Advisor.Advice> advise(Figures.Cache then, Figures.Cache now) {
        Figures first = new Figures(T0, Map.of(), Map.of("users", then), Map.of(), 0.2);
        Figures last = new Figures(T0.plusSeconds(600), Map.of(), Map.of("users", now), Map.of(), 0.2);
        return Advisor.advise(first, last, Map.of(), name -> 10_000, name -> TTL, name -> null, Duration.ofMillis(100));
    }

    @Test
    void missesOfKeysReadAgainSoonAfterTheyExpiredAdviseTheShortestTtlThatServesMostOfThem() {
        // In the window: 400 reads, 100 hits (25%); of the 300 misses, 240 were expired keys: 60 would have been
        // served by a ttl twice as long, 100 more by 4x, 20 more by 8x, 60 only later.
        List<Advisor.Advice> advice = advise(cache(50, 50, 10, 0, 0, 0, 0), cache(150, 350, 290, 60, 100, 20, 60));

        assertThat(advice).hasSize(1); // only expirations, no evictions for room: no size advice
        Advisor.Advice a = advice.get(0);
        assertThat(a.area()).isEqualTo("cache ttl");
        assertThat(a.subject()).isEqualTo("users");
        assertThat(a.setting()).isEqualTo("cache.users.ttl");
        assertThat(a.current()).isEqualTo("1m");
        assertThat(a.suggested()).as("4x serves 160 of the 240, the first to serve half").isEqualTo("4m");
        assertThat(a.evidence().get(0)).isEqualTo("hit ratio 25% over 400 reads in 10m");
        assertThat(a.evidence().get(1)).isEqualTo("240 of the 300 misses were keys read again after their entry expired "
                + "(280 entries expired in the window)");
        assertThat(a.evidence().get(2)).isEqualTo("with a ttl 2x as long, 60 of them (hit ratio about 40%), 4x as long, "
                + "160 of them (hit ratio about 65%), 8x as long, 180 of them (hit ratio about 70%)");
        assertThat(a.evidence().get(3)).contains("stale");
    }

    @Test
    void noTtlAdviceWhenTheHitRatioIsFineFewMissesWereExpiredKeysOrOnlyMuchLaterReadsWould() {
        Figures.Cache zero = cache(0, 0, 0, 0, 0, 0, 0);
        assertThat(advise(zero, cache(300, 100, 100, 100, 0, 0, 0))).as("75% hits").isEmpty();
        assertThat(advise(zero, cache(100, 300, 100, 20, 10, 0, 0))).as("30 of 300 misses: under a fifth").isEmpty();
        assertThat(advise(zero, cache(100, 300, 300, 0, 0, 0, 250))).as("only reads far past 8x").isEmpty();
        assertThat(advise(zero, cache(10, 30, 30, 30, 0, 0, 0))).as("40 reads: too few").isEmpty();
        assertThat(Advisor.ttlAdvice("users", zero, cache(100, 300, 300, 300, 0, 0, 0), null, Duration.ofMinutes(1)))
                .as("no ttl known").isEqualTo(Optional.empty());
        // Mostly rereads just past the ttl: twice as long is enough.
        assertThat(advise(zero, cache(100, 300, 300, 200, 50, 0, 0))).singleElement()
                .satisfies(a -> assertThat(a.suggested()).isEqualTo("2m"));
    }
}
