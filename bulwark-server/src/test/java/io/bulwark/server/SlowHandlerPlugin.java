package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jobs.HandlerPlugin;
import io.bulwark.jobs.Handlers;

/**
 * A handler plugin for the profiler's test: {@code test.slow} burns CPU for about 200 ms in
 * {@link #deliberatelySlowHandler}, the method a profile of a busy server must name.
 */
public final class SlowHandlerPlugin implements HandlerPlugin {

    @Override
    public void register(Handlers handlers) {
        handlers.register("test.slow", JsonNode.class, ctx -> deliberatelySlowHandler());
    }

    static double deliberatelySlowHandler() {
        long end = System.nanoTime() + 200_000_000L;
        double x = 0;
        while (System.nanoTime() < end) {
            for (int i = 1; i < 10_000; i++) {
                x += Math.sqrt(i) * Math.sin(x + i);
            }
        }
        return x;
    }
}
