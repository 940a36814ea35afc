/**
 * The {@code prometheus} metric source: instant PromQL queries over Prometheus' HTTP API, and
 * queries checked for syntax by Prometheus before a rollout starts.
 */
package io.bulwark.deploy.rollout.prometheus;
