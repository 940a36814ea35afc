package io.bulwark.bench.http;

/**
 * The measured part of one scenario's load.
 *
 * @param scenario the scenario's name
 * @param latency throughput, percentiles and errors
 * @param cpu where the CPU went during the measured interval; null off Linux
 * @param serverCpuMicrosPerRequest the server's CPU time per successful request, in microseconds;
 *        null off Linux. Unlike requests/s it does not depend on how much CPU the harness left
 *        the server, so it is the steadier figure to compare across runs on a shared machine
 * @param firstError the first failure seen, for diagnosis; null when there was none
 */
public record ScenarioResult(String scenario, LatencySummary latency, CpuShare cpu, Double serverCpuMicrosPerRequest,
                             String firstError) {

    /** A result, with the CPU per request derived from the other figures. */
    static ScenarioResult of(String scenario, LatencySummary latency, CpuShare cpu, String firstError) {
        Double perRequest = cpu == null || latency.requests() == 0 ? null
                : cpu.serverCores() * latency.seconds() * 1e6 / latency.requests();
        return new ScenarioResult(scenario, latency, cpu, perRequest, firstError);
    }
}
