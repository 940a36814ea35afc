/**
 * Rollout traffic drivers on Kubernetes: {@code kubernetes} (a Service's selector for blue-green,
 * or two Deployments' replica ratio for a canary) and {@code istio} (VirtualService route weights
 * over DestinationRule subsets), both through fabric8 against the API server.
 */
package io.bulwark.kubernetes.rollout;
