package io.bulwark.core.health;

/** The state of one check. DEGRADED still serves traffic; DOWN does not. */
public enum HealthStatus { UP, DEGRADED, DOWN }
