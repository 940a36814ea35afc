package io.bulwark.scaling.simulation;

import io.bulwark.scaling.Autoscaler;
import io.bulwark.scaling.AutoscalerPolicy;
import io.bulwark.scaling.Decision;
import io.bulwark.scaling.Observation;
import io.bulwark.scaling.PolicyDocument;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Replays a {@link LoadTrace} through the real {@link Autoscaler} on a {@link CapacityModel}, one
 * second at a time, so a policy can be tuned before production: how far the backlog grows, how long
 * a job waits, how many worker-seconds it costs, how often it scales.
 *
 * <p>Each second: the trace's load arrives, the ready workers finish what they can, the rest waits.
 * Every {@code interval} (from the first second on) the autoscaler decides on the waiting jobs with
 * the workers asked for as its current count, exactly as the server does; workers it adds become
 * ready after {@code startup}, workers it removes stop at once (the newest pending ones first). The
 * autoscaler's clock is the simulated one, so stabilization windows and rate policies act in
 * simulated time.
 *
 * <pre>{@code
 * Simulation.Result r = Simulation.run(policy, LoadTrace.parseCsv(csv),
 *         new CapacityModel(5, Duration.ofSeconds(30), Duration.ofSeconds(15), 1));
 * r.summary().peakBacklog();
 * }</pre>
 */
public final class Simulation {

    /**
     * One simulated second.
     *
     * @param waitSeconds how long a job arriving now would wait: the backlog over the ready workers'
     *                    throughput (infinite when none is ready and jobs wait)
     */
    public record Sample(Duration at, double load, int ready, int requested, double backlog, double waitSeconds) {
    }

    /** The run's figures. */
    public record Summary(double jobsArrived, double jobsDone, double peakBacklog, double longestWaitSeconds,
                          double workerSeconds, int scaleUps, int scaleDowns, int mostReplicas) {
    }

    /** Every second, every decision, and the summary. */
    public record Result(List<Sample> samples, List<Decision> decisions, Summary summary) {
    }

    private record Pending(Duration readyAt, int count) {
    }

    /** Each ready worker as busy as the last second's share of capacity used, each requesting one CPU. */
    private static Observation busy(int ready, int requested, double busy) {
        Map<String, Double> readings = new java.util.HashMap<>();
        Map<String, Double> requests = new java.util.HashMap<>();
        java.util.Set<String> unready = new java.util.HashSet<>();
        for (int i = 0; i < ready; i++) {
            readings.put("w" + i, busy);
            requests.put("w" + i, 1.0);
        }
        for (int i = ready; i < requested; i++) {
            unready.add("w" + i);
            requests.put("w" + i, 1.0);
        }
        return new Observation.PodReadings(readings, requests, java.util.Set.of(), unready);
    }

    private Simulation() {
    }

    /**
     * Runs the trace. The model knows waiting jobs, how busy each worker is (its CPU, at 100% when
     * it works all second) and how long the backlog would take at the capacity now (the queue lag),
     * not memory, and the trace is one queue's load.
     *
     * @throws IllegalArgumentException for a policy with a memory target or targets of one queue each
     */
    public static Result run(AutoscalerPolicy policy, LoadTrace trace, CapacityModel model) {
        if (PolicyDocument.target(policy, PolicyDocument.MEMORY).isPresent()) {
            throw new IllegalArgumentException("memoryPercent cannot be simulated: the capacity model has no memory; "
                    + "simulate with waitingJobsPerWorker and cpuPercent");
        }
        if (policy.targets().stream().anyMatch(t -> t.metric().contains(PolicyDocument.OF_QUEUE))) {
            throw new IllegalArgumentException("perQueue targets cannot be simulated: the trace is the load of one "
                    + "queue; simulate with the fleet-wide waitingJobsPerWorker or queueLagSeconds");
        }
        Instant start = Instant.EPOCH;
        Instant[] now = {start};
        InstantSource clock = () -> now[0];
        Autoscaler autoscaler = new Autoscaler(policy, clock);
        long seconds = (long) Math.ceil(trace.length().toMillis() / 1000.0);
        long every = model.interval().toSeconds();
        int ready = model.initialReplicas();
        int requested = ready;
        Deque<Pending> pending = new ArrayDeque<>();
        double backlog = 0;
        double lastBusy = 0;
        double arrived = 0;
        double done = 0;
        double peak = 0;
        double longestWait = 0;
        double workerSeconds = 0;
        double lastWait = 0;
        int ups = 0;
        int downs = 0;
        int most = requested;
        List<Sample> samples = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        for (long s = 0; s < seconds; s++) {
            Duration t = Duration.ofSeconds(s);
            now[0] = start.plus(t);
            while (!pending.isEmpty() && pending.peekFirst().readyAt().compareTo(t) <= 0) {
                ready += pending.pollFirst().count();
            }
            if (s % every == 0) {
                // The backlog's wait at the capacity now stands in for the age of the oldest waiting job.
                Decision d = autoscaler.decide(requested, Map.of(PolicyDocument.WAITING_JOBS,
                        new Observation.Total(backlog, ready), PolicyDocument.CPU, busy(ready, requested, lastBusy),
                        PolicyDocument.QUEUE_LAG, new Observation.Total(Math.min(lastWait, 1e9), ready)));
                decisions.add(d);
                if (d.desired() > requested) {
                    int add = d.desired() - requested;
                    if (model.startup().isZero()) {
                        ready += add;
                    } else {
                        pending.addLast(new Pending(t.plus(model.startup()), add));
                    }
                    ups++;
                } else if (d.desired() < requested) {
                    int remove = requested - d.desired();
                    while (remove > 0 && !pending.isEmpty()) {
                        Pending last = pending.pollLast();
                        int cancel = Math.min(remove, last.count());
                        remove -= cancel;
                        if (last.count() > cancel) {
                            pending.addLast(new Pending(last.readyAt(), last.count() - cancel));
                        }
                    }
                    ready -= remove;
                    downs++;
                }
                requested = d.desired();
                most = Math.max(most, requested);
            }
            double load = trace.loadAt(t);
            arrived += load;
            double capacity = ready * model.jobsPerSecondPerWorker();
            double finished = Math.min(backlog + load, capacity);
            done += finished;
            backlog = backlog + load - finished;
            if (backlog < 1e-9) {
                backlog = 0;
            }
            lastBusy = capacity == 0 ? 0 : finished / capacity;
            double wait = backlog == 0 ? 0 : capacity == 0 ? Double.POSITIVE_INFINITY : backlog / capacity;
            lastWait = wait;
            peak = Math.max(peak, backlog);
            longestWait = Math.max(longestWait, wait);
            workerSeconds += requested;
            samples.add(new Sample(t, load, ready, requested, backlog, wait));
        }
        return new Result(samples, decisions, new Summary(arrived, done, peak, longestWait, workerSeconds, ups, downs, most));
    }
}
