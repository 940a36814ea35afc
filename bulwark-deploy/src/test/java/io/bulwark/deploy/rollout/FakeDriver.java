package io.bulwark.deploy.rollout;

import java.util.ArrayList;
import java.util.List;

/** A traffic driver in memory that records every weight asked and fails on command. */
final class FakeDriver implements TrafficDriver {
    final List<Integer> calls = new ArrayList<>();
    int weight;
    int failuresLeft;

    @Override
    public String type() {
        return "fake";
    }

    @Override
    public void setWeight(int w) throws DriverException {
        calls.add(w);
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new DriverException("fake upstream unreachable");
        }
        weight = w;
    }

    @Override
    public int weight() {
        return weight;
    }
}
