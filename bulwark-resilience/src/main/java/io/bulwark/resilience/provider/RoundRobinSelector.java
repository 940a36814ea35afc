package io.bulwark.resilience.provider;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each call goes to the next available provider in turn. */
final class RoundRobinSelector implements ProviderSelector {

    private final AtomicLong next = new AtomicLong();

    @Override
    public Choice choose(List<Candidate> candidates, ProviderRequest request) {
        return Choice.of((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
