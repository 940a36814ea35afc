package io.bulwark.server.capability;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.server.StartupException;
import io.bulwark.server.internal.balancer.BalancerCapability;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.ratelimit.RateLimitCapability;
import io.bulwark.server.internal.resilience.ResilienceCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one place capabilities are listed: the built-in ones in the order they are made (a
 * capability may use those before it: jobs call provider groups), then any found with
 * {@link ServiceLoader}. Pipelines come after jobs and the cluster (steps are jobs; the leader sweeps
 * runs); schedules come last, after pipelines too: the leader fires them into the job engine or starts
 * pipeline runs, and on shutdown they stop first.
 */
public final class Capabilities {

    private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

    private static final List<CapabilityFactory> BUILT_IN = List.of(
            // First, so that every capability can trace, and closed last, so that their last spans are exported.
            new io.bulwark.server.internal.tracing.TracingCapability.Factory(),
            new io.bulwark.server.internal.events.EventsCapability.Factory(),
            // Rate limits before resilience: providers share their limits through its Redis limiters.
            new io.bulwark.server.internal.cache.CacheCapability.Factory(), new RateLimitCapability.Factory(),
            new ResilienceCapability.Factory(), new JobsCapability.Factory(),
            // After resilience and jobs: async gateway calls run as jobs.
            new io.bulwark.server.internal.calls.CallsCapability.Factory(), new BalancerCapability.Factory(),
            new io.bulwark.server.internal.cluster.ClusterCapability.Factory(),
            new io.bulwark.server.internal.pipelines.PipelinesCapability.Factory(),
            new io.bulwark.server.internal.messaging.MessagingCapability.Factory(),
            new io.bulwark.server.internal.schedules.SchedulesCapability.Factory(),
            new io.bulwark.server.internal.resources.ResourcesCapability.Factory(),
            new io.bulwark.server.internal.scaling.AutoscalerCapability.Factory(),
            new io.bulwark.server.internal.scaling.RecommenderCapability.Factory(),
            new io.bulwark.server.internal.profiles.ProfilesCapability.Factory(),
            new io.bulwark.server.internal.tuning.TuningCapability.Factory(),
            new io.bulwark.server.internal.rollouts.RolloutsCapability.Factory());

    private Capabilities() {
    }

    /** Every factory: the built-in ones, then those on the class path. */
    public static List<CapabilityFactory> factories() {
        List<CapabilityFactory> all = new ArrayList<>(BUILT_IN);
        ServiceLoader.load(CapabilityFactory.class, Capabilities.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /** The config keys of every capability. */
    public static List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        factories().forEach(f -> keys.addAll(f.configKeys()));
        return keys;
    }

    /**
     * Makes every capability that applies, in order. When one refuses, those already made are
     * closed before the refusal goes on.
     */
    public static List<Capability> make(ServerContext context) {
        for (CapabilityFactory f : factories()) {
            try {
                f.create(context).ifPresent(context::add);
            } catch (RuntimeException e) {
                closeAll(context.made());
                throw e instanceof StartupException ? e : new StartupException("cannot start " + f.name() + ": "
                        + e.getMessage(), e);
            }
        }
        return context.made();
    }

    /** Closes {@code capabilities} in reverse order, logging rather than throwing. */
    public static void closeAll(List<Capability> capabilities) {
        for (int i = capabilities.size() - 1; i >= 0; i--) {
            Capability c = capabilities.get(i);
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing {} failed; shutdown goes on", c.name(), e);
            }
        }
    }
}
