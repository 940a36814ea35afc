package io.bulwark.test.services;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares that a test class or method needs local services. It runs when they are reachable;
 * otherwise it is skipped with a message saying how to start them, or fails when {@value
 * LocalServices#REQUIRE_SERVICES_ENV} is set (see {@link LocalServices} for the rule).
 *
 * <pre>{@code
 * @RequiresService({LocalService.POSTGRESQL, LocalService.REDIS})
 * class PostgresStoreTest {
 *     @Test
 *     void enqueuedJobSurvivesRestart() { ... }
 * }
 * }</pre>
 *
 * <p>Works as a meta-annotation too, e.g. on a {@code @PostgresTest} of your own.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(RequiresServiceCondition.class)
public @interface RequiresService {

    /** The services the test needs, all of them. */
    LocalService[] value();
}
