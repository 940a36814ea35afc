/**
 * Client-side load balancing: {@link io.bulwark.balancer.LoadBalancer} picks an endpoint by a
 * {@link io.bulwark.balancer.Strategy}, skipping endpoints that active checks
 * ({@link io.bulwark.balancer.HealthChecker}) found unhealthy, that passive outlier detection
 * ejected, or that are at capacity; {@link io.bulwark.balancer.Discovery} feeds it endpoints
 * (static, {@link io.bulwark.balancer.DnsDiscovery}, Kubernetes in {@code bulwark-kubernetes});
 * {@link io.bulwark.balancer.ServiceClient} sends HTTP requests through it.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder("users")
 *         .endpoints(List.of(Endpoint.parse("http://10.0.0.1:8080;weight=2"), Endpoint.of("http://10.0.0.2:8080")))
 *         .config(BalancerConfig.builder().strategy("latency-aware").slowStart(Duration.ofSeconds(30)).build())
 *         .meterRegistry(registry)
 *         .build();
 * try (Selection s = lb.pick()) {
 *     ... s.complete(status) ...
 * }
 * }</pre>
 */
package io.bulwark.balancer;
