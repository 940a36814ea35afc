/**
 * Progressive delivery: blue-green and canary rollouts that move traffic in steps through a
 * {@link io.bulwark.deploy.rollout.TrafficDriver}, gated by analyses over a
 * {@link io.bulwark.deploy.rollout.MetricSource} with Argo Rollouts' semantics, rolled back
 * automatically when an analysis fails.
 */
package io.bulwark.deploy.rollout;
