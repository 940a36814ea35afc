package io.bulwark.cli;

import io.bulwark.cli.balancer.BalancerCli;
import io.bulwark.cli.cluster.ClusterCli;
import io.bulwark.cli.deploy.DeployCli;
import io.bulwark.cli.dev.DevCli;
import io.bulwark.cli.events.EventsCli;
import io.bulwark.cli.jobs.JobsCli;
import io.bulwark.cli.messaging.MessagingCli;
import io.bulwark.cli.pipelines.PipelinesCli;
import io.bulwark.cli.ratelimit.RateLimitCli;
import io.bulwark.cli.resources.ResourcesCli;
import io.bulwark.cli.scaling.ScalingCli;
import io.bulwark.cli.resilience.ResilienceCli;
import io.bulwark.cli.schedules.SchedulesCli;
import io.bulwark.cli.store.StoreCli;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The one place the CLI's capabilities are listed: built-in ones in help order, then any found with ServiceLoader. */
public final class CliCapabilities {

    private static final List<CliCapability> BUILT_IN = List.of(new JobsCli(), new ResilienceCli(), new BalancerCli(),
            new RateLimitCli(), new StoreCli(), new ClusterCli(), new SchedulesCli(),
            new PipelinesCli(), new MessagingCli(), new io.bulwark.cli.cache.CacheCli(), new DeployCli(),
            new ResourcesCli(), new ScalingCli(), new io.bulwark.cli.rollouts.RolloutsCli(), new EventsCli(), new DevCli(),
            new io.bulwark.cli.profiles.ProfilesCli(), new io.bulwark.cli.tuning.TuningCli());

    private CliCapabilities() {
    }

    /** Every capability: the built-in ones, then those on the class path. */
    public static List<CliCapability> all() {
        List<CliCapability> all = new ArrayList<>(BUILT_IN);
        ServiceLoader.load(CliCapability.class, CliCapabilities.class.getClassLoader()).forEach(all::add);
        return all;
    }
}
