package io.bulwark.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.time.Instant;

/**
 * Deserializers that refuse values a later conversion could not hold: a number too large for a
 * double or float (JSON {@code 1e400} reads as Infinity), and a time outside years 0 to 9999
 * ({@code +999999999-12-31T23:59:59Z} overflows {@link Instant#toEpochMilli()}). The refusal is
 * an {@link InvalidFormatException}, which carries the field's path to the caller.
 */
final class StrictNumbers {

    /** The earliest time a document may carry. */
    static final Instant MIN_INSTANT = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest time a document may carry. */
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private StrictNumbers() {
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("bulwark-strict-numbers");
        m.addDeserializer(Double.class, new FiniteDouble(Double.class, null));
        m.addDeserializer(double.class, new FiniteDouble(Double.TYPE, 0.0));
        m.addDeserializer(Float.class, new FiniteFloat(Float.class, null));
        m.addDeserializer(float.class, new FiniteFloat(Float.TYPE, 0.0f));
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                          JsonDeserializer<?> deserializer) {
                return desc.getBeanClass() == Instant.class ? new BoundedInstant(deserializer) : deserializer;
            }
        });
        return m;
    }

    private static final class FiniteDouble extends NumberDeserializers.DoubleDeserializer {
        FiniteDouble(Class<Double> type, Double empty) {
            super(type, empty);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Double v = super.deserialize(p, ctxt);
            if (v != null && !Double.isFinite(v)) {
                throw InvalidFormatException.from(p, "a finite number was expected", p.getText(), Double.class);
            }
            return v;
        }
    }

    private static final class FiniteFloat extends NumberDeserializers.FloatDeserializer {
        FiniteFloat(Class<Float> type, Float empty) {
            super(type, empty);
        }

        @Override
        public Float deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Float v = super.deserialize(p, ctxt);
            if (v != null && !Float.isFinite(v)) {
                throw InvalidFormatException.from(p, "a finite number was expected", p.getText(), Float.class);
            }
            return v;
        }
    }

    /** Wraps the JSR-310 deserializer, so that its contextual variants (formats, leniency) stay bounded too. */
    private static final class BoundedInstant extends DelegatingDeserializer {
        BoundedInstant(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new BoundedInstant(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object v = super.deserialize(p, ctxt);
            if (v instanceof Instant i && (i.isBefore(MIN_INSTANT) || i.isAfter(MAX_INSTANT))) {
                throw InvalidFormatException.from(p, "a time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z was expected",
                        p.getText(), Instant.class);
            }
            return v;
        }
    }
}
