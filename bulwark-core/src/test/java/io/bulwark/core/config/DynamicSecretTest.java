package io.bulwark.core.config;

import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A secret read from a store: used until its TTL, read again, and kept when a read fails. */
class DynamicSecretTest {

    private static final String FIRST = "first-secret-value-0001";
    private static final String SECOND = "second-secret-value-0002";

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeSecretStore store = new FakeSecretStore("fake").put("llm#api_key", FIRST);
    private final SecretResolvers resolvers = SecretResolvers.builder().clock(clock).resolver(store).build();

    private Secret secret(String reference) {
        return ValueTypes.secret(resolvers).convert(reference);
    }

    @Test
    void aStoreReferenceIsReadWhenTheConfigIsReadAndStaysMasked() {
        Secret secret = secret("fake:llm#api_key");

        assertThat(store.reads()).isEqualTo(1);
        assertThat(secret.reveal()).isEqualTo(FIRST);
        assertThat(secret.isDynamic()).isTrue();
        assertThat(secret.reference()).contains("fake:llm#api_key");
        assertThat(secret).hasToString(Secret.MASK);
        assertThat(secret.matches(FIRST)).isTrue();
        assertThat(ValueTypes.secret(resolvers).render(secret)).isEqualTo(Secret.MASK);
    }

    @Test
    void aRotatedValueIsPickedUpOnceTheDefaultTtlHasPassed() {
        Secret secret = secret("fake:llm#api_key");
        store.put("llm#api_key", SECOND);

        clock.advance(SecretResolvers.DEFAULT_TTL.minusSeconds(1));
        assertThat(secret.reveal()).as("within the TTL").isEqualTo(FIRST);
        assertThat(store.reads()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(secret.reveal()).isEqualTo(SECOND);
        assertThat(secret.matches(SECOND)).isTrue();
        assertThat(secret.matches(FIRST)).isFalse();
        assertThat(store.reads()).isEqualTo(2);

        secret.reveal();
        assertThat(store.reads()).as("the next TTL starts at the read").isEqualTo(2);
    }

    @Test
    void theReferenceSetsItsOwnTtl() {
        Secret secret = secret("fake:llm#api_key?ttl=1m");
        store.put("llm#api_key", SECOND);

        clock.advance(Duration.ofSeconds(59));
        assertThat(secret.reveal()).isEqualTo(FIRST);
        clock.advance(Duration.ofSeconds(1));
        assertThat(secret.reveal()).isEqualTo(SECOND);
    }

    @Test
    void aFailedRefreshKeepsTheLastValueWarnsOnceRetriesEvery30sAndSaysWhenItWorksAgain() {
        Secret secret = secret("fake:llm#api_key");
        try (LogCapture log = LogCapture.of(SecretResolvers.class)) {
            store.failWith(new SecretResolutionException("store answered 503"));
            clock.advance(SecretResolvers.DEFAULT_TTL);

            assertThat(secret.reveal()).isEqualTo(FIRST);
            assertThat(store.reads()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(29));
            assertThat(secret.reveal()).isEqualTo(FIRST);
            assertThat(store.reads()).as("no read before the retry interval").isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
            assertThat(secret.reveal()).isEqualTo(FIRST);
            assertThat(store.reads()).isEqualTo(3);

            assertThat(log.lines()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("WARN Cannot refresh secret fake:llm#api_key: store answered 503.")
                    .contains("Still using the value read at 2026-01-01T00:00:00Z; trying again every 30s")
                    .doesNotContain(FIRST));

            store.recover();
            store.put("llm#api_key", SECOND);
            clock.advance(Duration.ofSeconds(30));
            assertThat(secret.reveal()).isEqualTo(SECOND);
            assertThat(log.lines()).hasSize(2).last().isEqualTo("INFO Secret fake:llm#api_key read again after 2 "
                    + "failed attempt(s); it has changed and the new value is used from now on");
            assertThat(String.join("\n", log.lines())).doesNotContain(FIRST).doesNotContain(SECOND);
        }
    }

    @Test
    void aShortTtlRetriesAsOftenAsItReads() {
        Secret secret = secret("fake:llm#api_key?ttl=5s");
        store.failWith(new SecretResolutionException("down"));
        clock.advance(Duration.ofSeconds(5));
        secret.reveal();
        clock.advance(Duration.ofSeconds(5));
        secret.reveal();

        assertThat(store.reads()).isEqualTo(3);
    }

    @Test
    void anUnexpectedResolverErrorIsNamedByItsClassOnlySinceItsMessageMayHoldTheValue() {
        Secret secret = secret("fake:llm#api_key");
        try (LogCapture log = LogCapture.of(SecretResolvers.class)) {
            store.failWith(new IllegalStateException("could not parse '" + SECOND + "'"));
            clock.advance(SecretResolvers.DEFAULT_TTL);

            assertThat(secret.reveal()).isEqualTo(FIRST);
            assertThat(log.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("the fake resolver failed with java.lang.IllegalStateException")
                    .doesNotContain(SECOND));
        }
    }

    @Test
    void listenersHearEachNewValueBeforeRevealReturnsIt() {
        Secret secret = secret("fake:llm#api_key");
        List<String> heard = new ArrayList<>();
        secret.onChange(value -> heard.add(value + " heard while reveal gave " + secret.reveal()));

        clock.advance(SecretResolvers.DEFAULT_TTL);
        secret.reveal();
        assertThat(heard).as("unchanged: not a change").isEmpty();

        store.put("llm#api_key", SECOND);
        clock.advance(SecretResolvers.DEFAULT_TTL);
        assertThat(secret.reveal()).isEqualTo(SECOND);
        assertThat(heard).containsExactly(SECOND + " heard while reveal gave " + FIRST);
    }

    @Test
    void aStaticSecretNeverCallsItsListeners() {
        Secret secret = Secret.of(FIRST);
        secret.onChange(value -> {
            throw new AssertionError("called");
        });

        assertThat(secret.isDynamic()).isFalse();
        assertThat(secret.reference()).isEmpty();
    }

    @Test
    void everyoneWhoNamesAReferenceSharesOneSecretAndOneRead() {
        Secret a = secret("fake:llm#api_key");
        Secret b = secret("fake:llm#api_key");

        assertThat(b).isSameAs(a);
        assertThat(store.reads()).isEqualTo(1);
        assertThat(secret("fake:llm#api_key?ttl=1m")).isNotSameAs(a).isNotEqualTo(a);
        assertThat(a).isEqualTo(a).isNotEqualTo(Secret.of(FIRST));
    }

    /**
     * Many callers reveal at once after the TTL while the store is slow: one reads, the others
     * get the value in hand at once rather than wait, and all see the new value afterwards.
     */
    @Test
    void concurrentRevealsAfterTheTtlReadTheStoreOnceAndNobodyWaitsForIt() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SecretResolver slow = new SecretResolver() {
            @Override
            public String scheme() {
                return "slow";
            }

            @Override
            public String resolve(String location) {
                int n = store.reads();
                String value = store.resolve(location);
                if (n == 1) { // the refresh, not the first read
                    reading.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return value;
            }
        };
        Secret secret = ValueTypes.secret(SecretResolvers.builder().clock(clock).resolver(slow).build())
                .convert("slow:llm#api_key");
        store.put("llm#api_key", SECOND);
        clock.advance(SecretResolvers.DEFAULT_TTL);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Future<String> refresher = pool.submit(secret::reveal);
            assertThat(reading.await(5, TimeUnit.SECONDS)).as("one caller is reading").isTrue();
            List<Future<String>> others = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 200; i++) {
                others.add(pool.submit(secret::reveal));
            }
            for (Future<String> f : others) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(FIRST);
            }
            release.countDown();
            assertThat(refresher.get(5, TimeUnit.SECONDS)).isEqualTo(SECOND);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(store.reads()).isEqualTo(2);
        assertThat(secret.reveal()).isEqualTo(SECOND);
    }
}
