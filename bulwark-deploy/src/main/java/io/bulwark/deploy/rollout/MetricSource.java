package io.bulwark.deploy.rollout;

import java.util.List;

/**
 * Where an analysis reads its measurements: Prometheus (PromQL over its HTTP API) or Bulwark's
 * own metrics. One source answers one query per measurement; the analysis turns the value into
 * success, failure or inconclusive with the metric's conditions.
 */
public interface MetricSource {

    /** Its provider name as written in a rollout definition: {@code prometheus}, {@code bulwark}. */
    String provider();

    /**
     * Checks a query before a rollout starts (Prometheus is asked to parse it), so a typo is an
     * error at start naming the field, not a failed analysis later.
     *
     * @throws MetricException saying what is wrong with the query
     */
    void validate(String query) throws MetricException;

    /**
     * Takes one measurement.
     *
     * @throws MetricException when the source cannot answer (unreachable, a query error): the
     *                         analysis counts it as an error measurement, not as a failure
     */
    Value query(String query) throws MetricException;

    /**
     * One measurement's value: a scalar (one number) or a vector (one number per series, possibly
     * none). Conditions see a scalar as a number and a vector as a list, as in Argo Rollouts.
     */
    record Value(List<Double> values, boolean scalar) {
        public Value {
            values = List.copyOf(values);
            if (scalar && values.size() != 1) {
                throw new IllegalArgumentException("a scalar holds one number but was " + values);
            }
        }

        /** One number. */
        public static Value scalar(double value) {
            return new Value(List.of(value), true);
        }

        /** One number per series. */
        public static Value vector(List<Double> values) {
            return new Value(values, false);
        }
    }

    /** A source's failure, naming the source and the query. */
    final class MetricException extends Exception {
        public MetricException(String message, Throwable cause) {
            super(message, cause);
        }

        public MetricException(String message) {
            super(message);
        }
    }
}
