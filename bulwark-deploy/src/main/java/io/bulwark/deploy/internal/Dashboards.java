package io.bulwark.deploy.internal;

import java.util.List;

import static io.bulwark.deploy.internal.Panel.q;
import static io.bulwark.deploy.internal.Panel.series;
import static io.bulwark.deploy.internal.Panel.stat;

/**
 * The dashboards Bulwark ships, as data: {@link GrafanaFiles} turns them into Grafana's JSON. In
 * each query {@code $sel} stands for the application's selector ({@code job="shop", instance=~"$instance"}).
 */
public final class Dashboards {

    /** One dashboard: a short id (file name and uid suffix), a title and its panels in reading order. */
    public record Dashboard(String id, String title, List<Panel> panels) {
    }

    private static final String R = "[$__rate_interval]";

    private Dashboards() {
    }

    /** Every dashboard. */
    public static List<Dashboard> all() {
        return List.of(overview(), jobs(), pipelines(), providers(), traffic(), fleet(), jvm());
    }

    private static Dashboard overview() {
        return new Dashboard("overview", "Overview", List.of(
                stat("Nodes up", "short", q("sum(up{$sel})", "nodes")),
                stat("Health checks down", "short", q("count(bulwark_health_status{$sel} == 0) or vector(0)", "down")),
                stat("Open breakers", "short",
                        q("count(max by (name) (bulwark_breaker_state{$sel, state=\"open\"}) == 1) or vector(0)", "open")),
                stat("Degraded groups", "short",
                        q("count(max by (group) (bulwark_degradation_active{$sel}) == 1) or vector(0)", "degraded")),
                series("Jobs per second", "ops",
                        q("sum(rate(bulwark_jobs_enqueued_total{$sel}" + R + "))", "enqueued"),
                        q("sum(rate(bulwark_jobs_completed_total{$sel}" + R + "))", "completed"),
                        q("sum(rate(bulwark_jobs_dead_total{$sel}" + R + "))", "dead")),
                series("Queue wait p95", "s", q("histogram_quantile(0.95, sum by (queue, le) "
                        + "(rate(bulwark_jobs_queue_wait_seconds_bucket{$sel}" + R + ")))", "{{queue}}")),
                series("API requests per second", "reqps",
                        q("sum by (status) (rate(http_server_requests_seconds_count{$sel}" + R + "))", "{{status}}")),
                series("API error ratio (5xx)", "percentunit",
                        q("sum(rate(http_server_requests_seconds_count{$sel, status=~\"5..\"}" + R + ")) / "
                                + "sum(rate(http_server_requests_seconds_count{$sel}" + R + "))", "5xx"))));
    }

    private static Dashboard jobs() {
        return new Dashboard("jobs", "Jobs and queues", List.of(
                series("Enqueued per second by queue", "ops",
                        q("sum by (queue) (rate(bulwark_jobs_enqueued_total{$sel}" + R + "))", "{{queue}}")),
                series("Completed per second by queue", "ops",
                        q("sum by (queue) (rate(bulwark_jobs_completed_total{$sel}" + R + "))", "{{queue}}")),
                series("Failed attempts and dead jobs per second", "ops",
                        q("sum by (queue) (rate(bulwark_jobs_failed_total{$sel}" + R + "))", "failed {{queue}}"),
                        q("sum by (queue) (rate(bulwark_jobs_dead_total{$sel}" + R + "))", "dead {{queue}}")),
                series("Jobs by state (the store's counts, as every node reports them)", "short",
                        q("max by (state) (bulwark_jobs_depth{$sel})", "{{state}}")),
                series("In flight per node", "short", q("sum by (instance) (bulwark_jobs_inflight{$sel})", "{{instance}}")),
                series("Queue wait p50 / p95", "s",
                        q("histogram_quantile(0.5, sum by (queue, le) (rate(bulwark_jobs_queue_wait_seconds_bucket{$sel}"
                                + R + ")))", "p50 {{queue}}"),
                        q("histogram_quantile(0.95, sum by (queue, le) (rate(bulwark_jobs_queue_wait_seconds_bucket{$sel}"
                                + R + ")))", "p95 {{queue}}")),
                series("Run time p95 by type", "s", q("histogram_quantile(0.95, sum by (type, le) "
                        + "(rate(bulwark_jobs_run_duration_seconds_bucket{$sel}" + R + ")))", "{{type}}"))));
    }

    private static Dashboard pipelines() {
        return new Dashboard("pipelines", "Pipelines and schedules", List.of(
                stat("Runs in progress", "short", q("max(bulwark_pipeline_runs_current{$sel})", "running")),
                series("Runs started per second", "ops",
                        q("sum by (pipeline) (rate(bulwark_pipeline_runs_started_total{$sel}" + R + "))", "{{pipeline}}")),
                series("Runs ended per second by state", "ops",
                        q("sum by (pipeline, state) (rate(bulwark_pipeline_runs_total{$sel}" + R + "))",
                                "{{pipeline}} {{state}}")),
                series("Run time p95", "s", q("histogram_quantile(0.95, sum by (pipeline, le) "
                        + "(rate(bulwark_pipeline_run_duration_seconds_bucket{$sel}" + R + ")))", "{{pipeline}}")),
                series("Step time p95", "s", q("histogram_quantile(0.95, sum by (pipeline, le) "
                        + "(rate(bulwark_pipeline_step_duration_seconds_bucket{$sel}" + R + ")))", "{{pipeline}}")),
                series("Schedules by state", "short", q("max by (state) (bulwark_scheduler_schedules{$sel})", "{{state}}"))));
    }

    private static Dashboard providers() {
        return new Dashboard("providers", "Providers and breakers", List.of(
                series("Provider calls per second", "ops",
                        q("sum by (provider, outcome) (rate(bulwark_provider_calls_total{$sel}" + R + "))",
                                "{{provider}} {{outcome}}")),
                series("Provider attempt latency (mean)", "s",
                        q("sum by (provider) (rate(bulwark_provider_latency_seconds_sum{$sel}" + R + ")) / sum by "
                                + "(provider) (rate(bulwark_provider_latency_seconds_count{$sel}" + R + "))", "{{provider}}")),
                series("Gateway answers by source", "ops",
                        q("sum by (group, source) (rate(bulwark_gateway_answers_total{$sel}" + R + "))",
                                "{{group}} {{source}}")),
                series("Breakers open", "short",
                        q("max by (name) (bulwark_breaker_state{$sel, state=\"open\"})", "{{name}}")),
                series("Breaker calls by outcome", "ops",
                        q("sum by (name, outcome) (rate(bulwark_breaker_calls_total{$sel}" + R + "))",
                                "{{name}} {{outcome}}")),
                series("Degraded groups", "short",
                        q("max by (group) (bulwark_degradation_active{$sel})", "{{group}}"))));
    }

    private static Dashboard traffic() {
        return new Dashboard("traffic", "Rate limits and load balancing", List.of(
                series("Rate limit decisions per second", "ops",
                        q("sum by (limiter, outcome) (rate(bulwark_ratelimit_decisions_total{$sel}" + R + "))",
                                "{{limiter}} {{outcome}}")),
                series("Tracked keys", "short", q("sum by (limiter) (bulwark_ratelimit_keys{$sel})", "{{limiter}}")),
                series("Balanced requests per second", "ops",
                        q("sum by (group, endpoint) (rate(bulwark_lb_requests_total{$sel}" + R + "))",
                                "{{group}} {{endpoint}}")),
                series("Healthy endpoints", "short",
                        q("min by (group, endpoint) (bulwark_lb_endpoint_healthy{$sel})", "{{group}} {{endpoint}}")),
                series("Ejections per second", "ops",
                        q("sum by (group, endpoint) (rate(bulwark_lb_ejections_total{$sel}" + R + "))",
                                "{{group}} {{endpoint}}"))));
    }

    private static Dashboard fleet() {
        return new Dashboard("fleet", "Fleet", List.of(
                stat("Leader term", "short", q("max(bulwark_cluster_term{$sel})", "term")),
                series("Nodes by state (leader's view)", "short",
                        q("max by (state) (bulwark_cluster_nodes{$sel})", "{{state}}")),
                series("Leader", "short", q("max by (instance) (bulwark_cluster_leader{$sel})", "{{instance}}")),
                series("Heartbeat age", "s",
                        q("max by (instance) (bulwark_cluster_heartbeat_age_seconds{$sel})", "{{instance}}")),
                series("Leader changes", "short",
                        q("sum by (change) (increase(bulwark_cluster_leader_changes_total{$sel}" + R + "))", "{{change}}")),
                series("Store pool connections", "short",
                        q("sum by (instance) (hikaricp_connections_active{$sel})", "active {{instance}}"),
                        q("sum by (instance) (hikaricp_connections_pending{$sel})", "waiting {{instance}}")),
                series("Store connection wait p95", "s",
                        q("max by (instance) (hikaricp_connections_acquire_seconds_max{$sel})", "{{instance}}"))));
    }

    private static Dashboard jvm() {
        return new Dashboard("jvm", "JVM", List.of(
                series("Heap used", "bytes", q("sum by (instance) (jvm_memory_used_bytes{$sel, area=\"heap\"})", "{{instance}}")),
                series("GC pause time per second", "s",
                        q("sum by (instance) (rate(jvm_gc_pause_seconds_sum{$sel}" + R + "))", "{{instance}}")),
                series("Process CPU", "percentunit", q("max by (instance) (process_cpu_usage{$sel})", "{{instance}}")),
                series("Live threads", "short", q("max by (instance) (jvm_threads_live_threads{$sel})", "{{instance}}")),
                series("Open file descriptors", "short",
                        q("max by (instance) (process_files_open_files{$sel})", "{{instance}}"))));
    }
}
