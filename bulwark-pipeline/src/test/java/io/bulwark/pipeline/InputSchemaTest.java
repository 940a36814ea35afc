package io.bulwark.pipeline;

import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;
import org.junit.jupiter.api.Test;

import static io.bulwark.pipeline.PipelineDefinitionsTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputSchemaTest {

    static final InputSchema ORDERS = InputSchema.of(json("""
            {"type": "object", "required": ["day", "items"], "additionalProperties": false,
             "properties": {
               "day": {"type": "string", "pattern": "^\\\\d{4}-\\\\d{2}-\\\\d{2}$"},
               "items": {"type": "array", "minItems": 1,
                         "items": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}}}}"""));

    @Test
    void aValidInputHasNoErrors() {
        assertThat(ORDERS.validate(json("{\"day\": \"2030-01-02\", \"items\": [{\"sku\": \"a\", \"qty\": 2}]}"))).isEmpty();
    }

    @Test
    void everyErrorIsReportedWithItsJsonPath() {
        assertThat(ORDERS.validate(json("{\"day\": \"tomorrow\", \"items\": [{\"qty\": 0}, {\"sku\": 5}], \"extra\": 1}")))
                .extracting(FieldProblem::field).containsExactlyInAnyOrder("$.day", "$.items[0]", "$.items[0].qty",
                        "$.items[1].sku", "$");
    }

    @Test
    void aMissingInputIsCheckedAsNull() {
        assertThat(ORDERS.validate(null)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("null found, object expected"));
    }

    @Test
    void anInvalidSchemaIsRefusedWithEveryProblem() {
        assertThatThrownBy(() -> InputSchema.of(json("{\"type\": 5, \"required\": \"day\"}")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(FieldProblem::field)
                        .contains("inputSchema.type", "inputSchema.required"));
    }

    @Test
    void aReferenceThatDoesNotResolveIsAProblemAndNothingIsFetched() {
        assertThat(InputSchema.check(json("{\"$ref\": \"#/$defs/nope\"}"))).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("inputSchema"));
        assertThat(InputSchema.check(json("{\"$ref\": \"http://127.0.0.1:9/schema.json\"}"))).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("is not a usable JSON Schema"));
    }

    @Test
    void anOlderDraftIsUsedWhenTheSchemaNamesIt() {
        InputSchema draft7 = InputSchema.of(json("""
                {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                 "properties": {"n": {"type": "integer", "exclusiveMinimum": 0}}}"""));

        assertThat(draft7.validate(json("{\"n\": 0}"))).extracting(FieldProblem::field).containsExactly("$.n");
    }
}
