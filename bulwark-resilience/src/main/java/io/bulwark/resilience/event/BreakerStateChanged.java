package io.bulwark.resilience.event;

import io.bulwark.resilience.breaker.BreakerTransition;
import java.time.Instant;

/**
 * A circuit breaker changed state.
 *
 * @param name the breaker
 * @param transition from, to, why, and the rates at that moment
 */
public record BreakerStateChanged(String name, BreakerTransition transition) implements ResilienceEvent {

    @Override
    public Instant at() {
        return transition.at();
    }
}
