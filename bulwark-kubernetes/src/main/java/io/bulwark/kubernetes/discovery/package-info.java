/**
 * Endpoint discovery from Kubernetes (EndpointSlices or Endpoints) through fabric8, for
 * {@code bulwark-balancer}: {@link io.bulwark.kubernetes.discovery.KubernetesDiscovery}.
 */
package io.bulwark.kubernetes.discovery;
