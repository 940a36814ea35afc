package io.bulwark.test.services;

import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit extension behind {@link RequiresService @RequiresService}, which registers it; there is
 * no need to name it in a test. It applies {@link LocalServices#shared()} to the services the
 * annotation lists on the class or method being evaluated.
 *
 * <pre>{@code
 * @RequiresService(LocalService.RABBITMQ)   // registers this condition
 * class RabbitQueueTest { ... }
 * }</pre>
 */
public final class RequiresServiceCondition implements ExecutionCondition {

    private static final ConditionEvaluationResult NOTHING_REQUIRED =
            ConditionEvaluationResult.enabled("no @RequiresService");

    /** Called by JUnit. */
    public RequiresServiceCondition() {}

    /**
     * Enabled when the element names no services or they are all reachable.
     *
     * @throws IllegalStateException when a service is down and {@value
     *     LocalServices#REQUIRE_SERVICES_ENV} is set; JUnit reports the test as failed
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiresService.class))
                .map(requirement -> LocalServices.shared().evaluate(List.of(requirement.value())))
                .orElse(NOTHING_REQUIRED);
    }
}
