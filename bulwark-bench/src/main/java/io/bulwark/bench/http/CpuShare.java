package io.bulwark.bench.http;

/**
 * Where the machine's CPU went during a measured interval, in cores (2.0 = two cores busy the
 * whole time). The harness runs on the same cores as the server, so its share is CPU the server
 * could not use; "other" is everything else on the machine and should be near zero.
 */
public record CpuShare(double serverCores, double harnessCores, double otherCores) {
}
