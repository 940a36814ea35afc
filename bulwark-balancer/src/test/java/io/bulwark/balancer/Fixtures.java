package io.bulwark.balancer;

import java.util.ArrayList;
import java.util.List;

/** Endpoint lists for tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** {@code n} endpoints e0..e(n-1) with weight 1. */
    static List<Endpoint> endpoints(int n) {
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Endpoint.builder("http://10.0.0." + (i + 1) + ":8080").id("e" + i).build());
        }
        return out;
    }

    /** Endpoints e0.. with the given weights. */
    static List<Endpoint> weighted(int... weights) {
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(Endpoint.builder("http://10.0.0." + (i + 1) + ":8080").id("e" + i).weight(weights[i]).build());
        }
        return out;
    }

    /** Picks once, completes with 200 at once, returns the endpoint id. */
    static String pickAndComplete(LoadBalancer lb, String key) {
        Selection s = lb.pick(key);
        s.complete(200, 1_000_000);
        return s.endpoint().id();
    }

    /** Chi-square statistic of observed counts against expected proportions. */
    static double chiSquare(long[] observed, double[] expectedShare) {
        long total = 0;
        for (long o : observed) {
            total += o;
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = expectedShare[i] * total;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        return chi;
    }
}
