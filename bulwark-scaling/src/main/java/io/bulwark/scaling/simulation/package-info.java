/**
 * Replaying a load trace through the autoscaler on a simple capacity model ({@code bulwark scaling
 * simulate}), to tune a policy before production.
 */
package io.bulwark.scaling.simulation;
