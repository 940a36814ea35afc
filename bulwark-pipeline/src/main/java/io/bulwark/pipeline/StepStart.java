package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A step instance to start now.
 *
 * @param instance the instance
 * @param step its definition (type, retry, timeout)
 * @param input its input, every template evaluated
 * @param standsFor for a fallback, the failed instance it runs in place of; else null
 */
public record StepStart(StepInstance instance, StepDefinition step, JsonNode input, StepInstance standsFor) {
}
