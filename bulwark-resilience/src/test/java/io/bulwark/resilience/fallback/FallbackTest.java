package io.bulwark.resilience.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.FallbackUsed;
import io.bulwark.resilience.event.ResilienceEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FallbackTest {

    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.EPOCH));

    @Test
    void replacesAHandledExceptionWithAValueComputedFromIt() throws Exception {
        Fallback<String> f = Fallback.<String>builder("quotes").onException(IOException.class)
                .apply(cause -> "cached after " + cause.error().getMessage()).build(clock);
        List<ResilienceEvent> events = new ArrayList<>();
        f.addListener(events::add);
        assertThat(f.executeCallable(() -> {
            throw new IOException("connection reset");
        })).isEqualTo("cached after connection reset");
        assertThat(events).singleElement().isInstanceOf(FallbackUsed.class);
        assertThat(f.usedCount()).isEqualTo(1);
    }

    @Test
    void letsAnUnhandledExceptionThrough() {
        Fallback<String> f = Fallback.<String>builder("quotes").onException(IOException.class).value("cached")
                .build(clock);
        assertThatThrownBy(() -> f.executeCallable(() -> {
            throw new IllegalArgumentException("bad request");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.usedCount()).isZero();
    }

    @Test
    void replacesAResultThePredicateRejects() throws Exception {
        Fallback<Integer> f = Fallback.<Integer>builder("status").onResult(s -> s >= 500)
                .apply(cause -> -cause.result()).build(clock);
        assertThat(f.executeCallable(() -> 503)).isEqualTo(-503);
        assertThat(f.executeCallable(() -> 200)).isEqualTo(200);
    }

    @Test
    void replacesTheFailureOfAnAsynchronousCall() {
        Fallback<String> f = Fallback.of("quotes", "cached", clock);
        assertThat(f.decorateCompletionStage(() -> CompletableFuture.failedFuture(new IOException("down"))).get()
                .toCompletableFuture().join()).isEqualTo("cached");
        Fallback<String> ioOnly = Fallback.<String>builder("q").onException(IOException.class).value("c").build(clock);
        assertThatThrownBy(() -> ioOnly.decorateCompletionStage(
                () -> CompletableFuture.<String>failedFuture(new IllegalStateException("bug"))).get()
                .toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void needsAValueOrAFunction() {
        assertThatThrownBy(() -> Fallback.<String>builder("q").build(clock))
                .hasMessage("fallback 'q' needs value(...) or apply(...)");
    }
}
