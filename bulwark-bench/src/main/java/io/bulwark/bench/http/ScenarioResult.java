package io.bulwark.bench.http;

/**
 * The measured part of one scenario's load.
 *
 * @param scenario the scenario's name
 * @param latency throughput, percentiles and errors
 * @param cpu where the CPU went during the measured interval; null off Linux
 * @param firstError the first failure seen, for diagnosis; null when there was none
 */
public record ScenarioResult(String scenario, LatencySummary latency, CpuShare cpu, String firstError) {
}
