package io.bulwark.deploy.rollout;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A metric source in memory: each query answers the next value queued for it (or the last one
 * again), or throws when an error is queued.
 */
final class FakeSource implements MetricSource {
    private final Map<String, Deque<Object>> answers = new HashMap<>();
    private final Map<String, Object> last = new HashMap<>();
    int queries;

    FakeSource answer(String query, Object... values) {
        Deque<Object> q = answers.computeIfAbsent(query, k -> new ArrayDeque<>());
        for (Object v : values) {
            q.add(v);
        }
        return this;
    }

    @Override
    public String provider() {
        return "prometheus";
    }

    @Override
    public void validate(String query) throws MetricException {
        if (query.contains("((")) {
            throw new MetricException("parse error: unexpected '(' in '" + query + "'");
        }
    }

    @Override
    public Value query(String query) throws MetricException {
        queries++;
        Deque<Object> q = answers.get(query);
        Object v = q == null || q.isEmpty() ? last.get(query) : q.poll();
        if (v == null) {
            throw new MetricException("no answer for " + query);
        }
        last.put(query, v);
        return switch (v) {
            case Double d -> Value.scalar(d);
            case Value value -> value;
            case String error -> throw new MetricException(error);
            default -> throw new IllegalStateException("bad fake answer " + v);
        };
    }
}
