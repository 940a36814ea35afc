package io.bulwark.deploy.internal;

import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.internal.Alert.Fixture;
import io.bulwark.deploy.internal.Alert.Runbook;
import io.bulwark.deploy.internal.Alert.Series;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts Bulwark ships, derived from the settings: every selector carries the application's
 * {@code job} so two applications can share a Prometheus, and thresholds follow the configuration
 * (the heartbeat-lag alert fires at twice {@code cluster.heartbeat}). Every expression aggregates
 * {@code by} the labels it keeps, so an alert's labels are known and its unit test can name them.
 */
public final class Alerts {

    private static final String NODE = "node-1:8080";

    private Alerts() {
    }

    /** The alerts, in the order they appear in the rules file. */
    public static List<Alert> of(DeploySettings s) {
        String j = "job=\"" + s.name() + "\"";
        long heartbeatLag = Math.max(1, s.heartbeat().multipliedBy(2).toSeconds());
        long queueWait = Math.max(1, s.queueWait().toSeconds());
        return List.of(
                new Alert("BulwarkNodeDown", "critical", "up{" + j + "} == 0", "1m",
                        "Bulwark node {{ $labels.instance }} is down",
                        "Prometheus has not scraped {{ $labels.instance }} of {{ $labels.job }} for a minute: the "
                                + "process is gone, hung, or unreachable. Its running jobs are rescued by the leader "
                                + "once the node misses " + s.deadAfter() + " heartbeats.",
                        new Runbook("Scrapes of one node fail; its jobs stop progressing until the leader rescues them; "
                                + "API calls routed to it fail.",
                                List.of("`bulwark nodes list` (is the node `alive`, `suspect` or `dead`? who is leader?)",
                                        "`curl -s http://NODE:" + s.port() + "/health/live` from the Prometheus host",
                                        "the process's own log and exit status (OOM kill: `dmesg`, `kubectl describe pod`)"),
                                List.of("Restart the process; a node that comes back rejoins on its own.",
                                        "If it was killed for memory, raise the limit or lower `jobs.concurrency`.",
                                        "If only the network is cut, check the route between Prometheus and the node."),
                                "Page the on-call engineer when more than one node is down or the last API node is."),
                        fixture(series("up{" + j + ", instance=\"" + NODE + "\"}", "1 1 0x6"), "1m", "5m",
                                labels(s, "instance", NODE))),
                new Alert("BulwarkHealthCheckDown", "critical", "bulwark_health_status{" + j + "} == 0", "2m",
                        "Health check {{ $labels.check }} is down on {{ $labels.instance }}",
                        "The check {{ $labels.check }} reports DOWN on {{ $labels.instance }}; when it gates readiness "
                                + "the node answers 503 on /health/ready and takes no traffic.",
                        new Runbook("`/health/ready` answers 503 on a node; load balancers stop sending it requests; "
                                + "`/health` names the failing check.",
                                List.of("`curl -s -H 'Authorization: Bearer $KEY' http://NODE:" + s.port()
                                                + "/health` (each check with its error)",
                                        "`bulwark store status` when the check is `store` (pool, replica, schema)",
                                        "`bulwark messaging list` when it is a broker connection"),
                                List.of("Fix what the check names: the database or broker it cannot reach, a full disk "
                                                + "(`diskSpace`), a corrupt key file.",
                                        "Checks recover by themselves once the dependency is back; nothing needs a restart."),
                                "Page when every node reports the same check down: the shared dependency is out."),
                        fixture(series("bulwark_health_status{" + j + ", instance=\"" + NODE + "\", check=\"store\"}",
                                "1 1 0x8"), "1m", "6m", labels(s, "instance", NODE, "check", "store"))),
                new Alert("BulwarkQueueWaitHigh", "warning",
                        "histogram_quantile(0.95, sum by (job, queue, le) (rate(bulwark_jobs_queue_wait_seconds_bucket{"
                                + j + "}[5m]))) > " + queueWait, "10m",
                        "Jobs of queue {{ $labels.queue }} wait too long to start",
                        "The 95th percentile of the time from a job being due to its start is above " + queueWait
                                + " s in queue {{ $labels.queue }}: workers do not keep up.",
                        new Runbook("Jobs start late; `bulwark queues list` shows lag growing and many `available` jobs.",
                                List.of("`bulwark queues show QUEUE` (paused? concurrency? rate limit?)",
                                        "`bulwark nodes list` (how many workers serve the queue, their in flight and capacity)",
                                        "`sum by (queue) (rate(bulwark_jobs_completed_total{" + j + "}[5m]))` against "
                                                + "`rate(bulwark_jobs_enqueued_total[5m])`"),
                                List.of("Resume the queue if it is paused.",
                                        "Raise `jobs.queues.QUEUE.concurrency`, or its rate limit, if the handlers have room.",
                                        "Add workers (`bulwark worker --queues QUEUE`) if every node is at capacity.",
                                        "If handlers got slower, look at `bulwark_jobs_run_duration_seconds` and their dependencies."),
                                "Tell the owners of the queue's jobs; page when an SLO depends on the queue."),
                        fixture(List.of(
                                        series(bucket(j, "slow", "1"), "0+0x30"),
                                        series(bucket(j, "slow", "120"), "0+10x30"),
                                        series(bucket(j, "slow", "+Inf"), "0+10x30"),
                                        series(bucket(j, "fast", "1"), "0+10x30"),
                                        series(bucket(j, "fast", "120"), "0+10x30"),
                                        series(bucket(j, "fast", "+Inf"), "0+10x30")),
                                "8m", "20m", labels(s, "queue", "slow"))),
                new Alert("BulwarkDeadJobs", "warning",
                        "sum by (job, queue) (increase(bulwark_jobs_dead_total{" + j + "}[15m])) > 0", "1m",
                        "Jobs of queue {{ $labels.queue }} are dying",
                        "Jobs in queue {{ $labels.queue }} used all their attempts in the last 15 minutes and went to "
                                + "the dead-letter list.",
                        new Runbook("Work is not done: jobs end `dead` after their last attempt.",
                                List.of("`bulwark dlq list QUEUE` (each dead job with its last error)",
                                        "`bulwark jobs get ID` (every attempt's error and when it ran)"),
                                List.of("Fix the cause the errors name (a bad payload, a dependency down, a bug).",
                                        "Then `bulwark dlq retry QUEUE` (all) or `bulwark dlq retry QUEUE ID ...`.",
                                        "Purge only jobs that must never run: `bulwark dlq purge QUEUE`."),
                                "Tell the owners of the job type; page when the dead jobs carry payments or other money."),
                        fixture(series("bulwark_jobs_dead_total{" + j + ", instance=\"" + NODE
                                + "\", queue=\"emails\", type=\"send\"}", "0 0 0 0 0 1x10"), "3m", "8m",
                                labels(s, "queue", "emails"))),
                new Alert("BulwarkBreakerOpen", "warning",
                        "max by (job, name) (bulwark_breaker_state{" + j + ", state=\"open\"}) == 1", "5m",
                        "Circuit breaker {{ $labels.name }} is open",
                        "Breaker {{ $labels.name }} has been open for 5 minutes: calls to what it guards are refused "
                                + "or served by fallbacks.",
                        new Runbook("Calls through the breaker fail fast (`not_permitted`) or answer from a fallback; "
                                + "provider groups may be degraded.",
                                List.of("`bulwark breakers show NAME` (transitions, failure rate, window)",
                                        "`bulwark providers list` (each provider's error rate and latency)"),
                                List.of("Restore the dependency; the breaker closes by itself through half-open trials.",
                                        "`bulwark breakers close NAME` only when you know the dependency is back.",
                                        "`bulwark breakers open NAME` keeps it open on purpose during maintenance."),
                                "Escalate to the dependency's owner; page when no fallback serves the traffic."),
                        fixture(series("bulwark_breaker_state{" + j + ", instance=\"" + NODE
                                + "\", name=\"payments\", state=\"open\"}", "0 0 1x10"), "4m", "10m",
                                labels(s, "name", "payments"))),
                new Alert("BulwarkHttpErrorsHigh", "warning",
                        "sum by (job) (rate(http_server_requests_seconds_count{" + j + ", status=~\"5..\"}[5m])) / sum by "
                                + "(job) (rate(http_server_requests_seconds_count{" + j + "}[5m])) > 0.05", "5m",
                        "More than 5% of {{ $labels.job }}'s API requests fail",
                        "Over 5% of HTTP requests to {{ $labels.job }} answered 5xx in the last 5 minutes.",
                        new Runbook("API callers get 500/503 answers; gateway calls fail.",
                                List.of("`sum by (uri, status) (rate(http_server_requests_seconds_count{" + j
                                                + ", status=~\"5..\"}[5m]))` (which routes)",
                                        "the server log at the same time (each 500 is logged with its cause)",
                                        "`bulwark providers list` when the failing route is the gateway"),
                                List.of("A 503 from `/api/v1/providers/*/call` means every provider refused: see the "
                                                + "breakers and limits.",
                                        "A 503 from other routes while the store is down clears when it returns.",
                                        "A 500 is a defect: keep the log lines and report it."),
                                "Page when the ratio stays above 20% or the API is customer-facing."),
                        fixture(List.of(
                                        series(http(j, "200"), "0+100x20"),
                                        series(http(j, "500"), "0x5 20+20x14")),
                                "3m", "18m", labels(s))),
                new Alert("BulwarkStorePoolExhausted", "warning",
                        "max by (job, instance, pool) (hikaricp_connections_pending{" + j + "}) > 0", "2m",
                        "Callers wait for store connections on {{ $labels.instance }}",
                        "Threads on {{ $labels.instance }} have waited for a connection of pool {{ $labels.pool }} for "
                                + "2 minutes: the pool is too small for the load, or connections are held too long.",
                        new Runbook("Slow API answers and job claims; errors naming the pool, its size and the longest "
                                + "holder when waits time out.",
                                List.of("`bulwark store status` (active, idle, waiting, max per pool)",
                                        "`hikaricp_connections_acquire_seconds` and `hikaricp_connections_usage_seconds`",
                                        "the database's own view: `SELECT * FROM pg_stat_activity` on PostgreSQL"),
                                List.of("Raise `store.pool.size` if the database has connections to spare.",
                                        "Lower `jobs.concurrency` or add a read replica (`store.readUrl`) for list queries.",
                                        "Look for slow queries or locks in the database."),
                                "Escalate to the database's owner when the database itself is saturated."),
                        fixture(series("hikaricp_connections_pending{" + j + ", instance=\"" + NODE
                                + "\", pool=\"bulwark-postgresql\"}", "0 0 3x6"), "1m", "6m",
                                labels(s, "instance", NODE, "pool", "bulwark-postgresql"))),
                new Alert("BulwarkLeaderFlapping", "warning",
                        "sum by (job) (increase(bulwark_cluster_leader_changes_total{" + j + ", change=\"elected\"}[15m])) "
                                + "> 3", null,
                        "The leader of {{ $labels.job }} keeps changing",
                        "More than 3 leader elections in 15 minutes: nodes lose the lease, so pruning, rescues and "
                                + "schedules stall between terms.",
                        new Runbook("Leadership moves between nodes; schedules fire late; the term in `bulwark nodes list` "
                                + "climbs.",
                                List.of("`bulwark nodes list` (the leader and term; heartbeat ages)",
                                        "`bulwark_cluster_heartbeat_age_seconds` per node",
                                        "store latency and pool waits (`bulwark store status`)"),
                                List.of("Give the nodes CPU: a starved leader misses its own lease.",
                                        "Raise `cluster.heartbeat` if the store's latency is close to it.",
                                        "Fix store slowness first when the pool alert fires too."),
                                "Escalate to the platform team when nodes are throttled by their limits."),
                        fixture(series("bulwark_cluster_leader_changes_total{" + j + ", instance=\"" + NODE
                                + "\", change=\"elected\"}", "0+1x20"), "1m", "10m", labels(s))),
                new Alert("BulwarkHeartbeatLag", "warning",
                        "max by (job, instance) (bulwark_cluster_heartbeat_age_seconds{" + j + "}) > " + heartbeatLag, "1m",
                        "Node {{ $labels.instance }} is late with its heartbeat",
                        "{{ $labels.instance }} has not written a heartbeat for over " + heartbeatLag + " s (twice "
                                + "cluster.heartbeat); at " + s.deadAfter() + " missed heartbeats the leader declares it "
                                + "dead and rescues its jobs.",
                        new Runbook("A node is `suspect` in `bulwark nodes list`; its jobs may soon be rescued and run again "
                                + "elsewhere.",
                                List.of("`bulwark nodes show ID` (heartbeat age, in flight)",
                                        "the node's GC pauses (`jvm_gc_pause_seconds`) and CPU throttling",
                                        "`bulwark store status` (can it reach the store?)"),
                                List.of("Relieve the node: long GC pauses want more heap or fewer concurrent jobs.",
                                        "Restore its path to the store.",
                                        "If it is stuck, drain it (`bulwark nodes drain ID`) or restart it."),
                                "Escalate when several nodes lag at once: the store is the common cause."),
                        fixture(series("bulwark_cluster_heartbeat_age_seconds{" + j + ", instance=\"" + NODE + "\"}",
                                "1 1 " + heartbeatLag * 3 + "x6"), "1m", "6m", labels(s, "instance", NODE))),
                new Alert("BulwarkProviderGroupDegraded", "warning",
                        "max by (job, group) (bulwark_degradation_active{" + j + "}) == 1", "10m",
                        "Provider group {{ $labels.group }} is degraded",
                        "Group {{ $labels.group }} has served degraded answers (fallback chain, cache or static answer) "
                                + "for 10 minutes.",
                        new Runbook("Gateway answers carry `X-Bulwark-Degraded: true`; quality may be lower.",
                                List.of("`bulwark degradation status GROUP` (trigger and history)",
                                        "`bulwark providers show GROUP` (which providers fail, their breakers)"),
                                List.of("Restore the failing providers; degradation exits by itself when they recover.",
                                        "`bulwark degradation exit GROUP` once you know they are back."),
                                "Tell the product owner of the feature the group serves."),
                        fixture(series("bulwark_degradation_active{" + j + ", instance=\"" + NODE + "\", group=\"llm\"}",
                                "0 1x20"), "5m", "15m", labels(s, "group", "llm"))));
    }

    private static String bucket(String job, String queue, String le) {
        return "bulwark_jobs_queue_wait_seconds_bucket{" + job + ", instance=\"" + NODE + "\", queue=\"" + queue
                + "\", le=\"" + le + "\"}";
    }

    private static String http(String job, String status) {
        return "http_server_requests_seconds_count{" + job + ", instance=\"" + NODE + "\", method=\"POST\", "
                + "uri=\"/api/v1/jobs\", status=\"" + status + "\"}";
    }

    private static Series series(String series, String values) {
        return new Series(series, values);
    }

    private static Fixture fixture(Series one, String quietAt, String firingAt, Map<String, String> labels) {
        return fixture(List.of(one), quietAt, firingAt, labels);
    }

    private static Fixture fixture(List<Series> series, String quietAt, String firingAt, Map<String, String> labels) {
        return new Fixture(series, quietAt, firingAt, labels);
    }

    private static Map<String, String> labels(DeploySettings s, String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("job", s.name());
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
