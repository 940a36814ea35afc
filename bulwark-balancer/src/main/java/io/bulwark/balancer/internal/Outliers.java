package io.bulwark.balancer.internal;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.HealthCheck;
import io.bulwark.balancer.OutlierDetection;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Passive outlier ejection and active health transitions of one balancer. Error streaks are
 * atomics updated on every completion; the decisions (eject, flip health) take the balancer's
 * state lock, which keeps the max-ejection-percent count exact, and bump its version so the next
 * pick rebuilds its snapshot.
 */
final class Outliers {

    private static final System.Logger LOG = System.getLogger(Outliers.class.getName());

    private final DefaultLoadBalancer balancer;
    private final OutlierDetection detection;
    private final HealthCheck health;
    private final double decayNanos;
    private final long penaltyNanos;

    Outliers(DefaultLoadBalancer balancer, BalancerConfig config) {
        this.balancer = balancer;
        this.detection = config.outlierDetection();
        this.health = config.healthCheck();
        this.decayNanos = config.ewmaDecay().toNanos();
        this.penaltyNanos = config.errorPenalty().toNanos();
    }

    /**
     * Records an answer with {@code status}. {@code sampledAt} is the ticker time the latency is
     * stamped with (the pick's time plus the latency, so a completion needs no clock read of its
     * own); an ejection reads the clock itself.
     */
    void onOutcome(EndpointSlot slot, int status, long latencyNanos, long sampledAt) {
        boolean is5xx = status >= 500;
        boolean penalised = is5xx || status == 429;
        slot.recordLatency(penalised ? Math.max(latencyNanos, penaltyNanos) : latencyNanos, sampledAt, decayNanos);
        if (is5xx) {
            slot.failures.increment();
        }
        streak(slot, is5xx, status == 502 || status == 503 || status == 504, status);
    }

    void onFailure(EndpointSlot slot, long latencyNanos, long sampledAt) {
        slot.recordLatency(Math.max(latencyNanos, penaltyNanos), sampledAt, decayNanos);
        slot.failures.increment();
        streak(slot, true, true, -1);
    }

    /** Counts the streaks; {@code status} is the answer's, or -1 for a request that failed without one. */
    private void streak(EndpointSlot slot, boolean is5xx, boolean gateway, int status) {
        if (!detection.enabled()) {
            return;
        }
        int c5 = is5xx ? slot.consecutive5xx.incrementAndGet() : reset(slot.consecutive5xx);
        int cg = gateway ? slot.consecutiveGateway.incrementAndGet() : reset(slot.consecutiveGateway);
        boolean trip5xx = detection.consecutive5xx() > 0 && c5 >= detection.consecutive5xx();
        boolean tripGateway = detection.consecutiveGatewayErrors() > 0 && cg >= detection.consecutiveGatewayErrors();
        if (trip5xx || tripGateway) {
            String last = status < 0 ? "a request failure" : "HTTP " + status;
            eject(slot, balancer.now(), (trip5xx ? c5 + " consecutive 5xx" : cg + " consecutive gateway errors") + ", last " + last);
        }
    }

    private static int reset(java.util.concurrent.atomic.AtomicInteger streak) {
        if (streak.get() != 0) {
            streak.set(0);
        }
        return 0;
    }

    private void eject(EndpointSlot slot, long now, String reason) {
        balancer.stateLock().lock();
        try {
            if (slot.ejectedAt(now)) {
                return;
            }
            EndpointSlot[] all = balancer.membership().slots;
            int ejected = 0;
            boolean member = false;
            for (EndpointSlot s : all) {
                ejected += s.ejectedAt(now) ? 1 : 0;
                member |= s == slot;
            }
            if (!member) {
                return;
            }
            if (ejected > 0 && (long) (ejected + 1) * 100 > (long) detection.maxEjectionPercent() * all.length) {
                int already = ejected;
                LOG.log(Level.DEBUG, () -> "load balancer '" + balancer.name() + "': endpoint " + slot.endpoint().id()
                        + " has " + reason + " but stays in rotation: " + already + " of " + all.length
                        + " are ejected already (maxEjectionPercent " + detection.maxEjectionPercent() + ")");
                return;
            }
            int count = slot.ejections + 1;
            Duration length = detection.baseEjectionTime().multipliedBy(count);
            if (length.compareTo(detection.maxEjectionTime()) > 0) {
                length = detection.maxEjectionTime();
            }
            long until = now + length.toNanos();
            slot.ejections = count;
            slot.ejectedUntil = until;
            slot.warmingSince = until;
            slot.consecutive5xx.set(0);
            slot.consecutiveGateway.set(0);
            slot.meters.countEjection();
            balancer.changed();
            Duration shown = length;
            LOG.log(Level.WARNING, () -> "load balancer '" + balancer.name() + "': ejected endpoint "
                    + slot.endpoint().id() + " for " + shown + " after " + reason + " (ejection " + count
                    + "); it returns to rotation by itself when that time is up, with slow start if configured");
        } finally {
            balancer.stateLock().unlock();
        }
    }

    void reportHealth(String endpointId, boolean passed) {
        balancer.stateLock().lock();
        try {
            EndpointSlot slot = null;
            for (EndpointSlot s : balancer.membership().slots) {
                if (s.endpoint().id().equals(endpointId)) {
                    slot = s;
                }
            }
            if (slot == null) {
                return;
            }
            if (passed) {
                slot.healthFailures = 0;
                slot.healthPasses++;
                if (!slot.healthy && slot.healthPasses >= health.healthyThreshold()) {
                    slot.healthy = true;
                    slot.warmingSince = balancer.now();
                    balancer.changed();
                    LOG.log(Level.INFO, "load balancer ''{0}'': endpoint {1} is healthy again after {2} passed checks",
                            balancer.name(), endpointId, slot.healthPasses);
                }
            } else {
                slot.healthPasses = 0;
                slot.healthFailures++;
                if (slot.healthy && slot.healthFailures >= health.unhealthyThreshold()) {
                    slot.healthy = false;
                    balancer.changed();
                    LOG.log(Level.WARNING, "load balancer ''{0}'': endpoint {1} is unhealthy after {2} failed checks "
                                    + "on {3}; it gets no traffic until {4} checks in a row pass",
                            balancer.name(), endpointId, slot.healthFailures, health.path(), health.healthyThreshold());
                }
            }
        } finally {
            balancer.stateLock().unlock();
        }
    }
}
