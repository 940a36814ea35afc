package io.bulwark.server.internal.openapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodySchemasTest {

    enum Color { RED, GREEN }

    record Inner(Double factor, Color color) {
    }

    record Outer(String name, int count, Long big, Boolean on, Instant at, UUID id, JsonNode anything, Inner inner,
                 List<Inner> inners, Set<String> tags, Map<String, Integer> sizes,
                 @JsonProperty("wait") String waitFor) {
    }

    record Tree(String label, List<Tree> children) {
    }

    record WithDuration(Duration timeout) {
    }

    static final class One {
        record Body(String a) {
        }
    }

    static final class Two {
        record Body(Integer b) {
        }
    }

    @Test
    void aRecordBecomesANamedObjectSchemaWithItsFieldsTypedAndNoOthersAllowed() throws Exception {
        BodySchemas schemas = new BodySchemas();
        assertThat(schemas.schema(Outer.class, "test").toString()).isEqualTo("{\"$ref\":\"#/components/schemas/Outer\"}");
        JsonNode expected = Json.mapper().readTree("""
                {"type":"object","properties":{
                  "name":{"type":"string"},
                  "count":{"type":"integer","format":"int32"},
                  "big":{"type":"integer","format":"int64"},
                  "on":{"type":"boolean"},
                  "at":{"type":"string","format":"date-time"},
                  "id":{"type":"string","format":"uuid"},
                  "anything":{},
                  "inner":{"$ref":"#/components/schemas/Inner"},
                  "inners":{"type":"array","items":{"$ref":"#/components/schemas/Inner"}},
                  "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true},
                  "sizes":{"type":"object","additionalProperties":{"type":"integer","format":"int32"}},
                  "wait":{"type":"string"}},
                 "additionalProperties":false}""");
        assertThat(schemas.components().get("Outer")).isEqualTo(expected);
        assertThat(schemas.components().get("Inner")).isEqualTo(Json.mapper().readTree("""
                {"type":"object","properties":{
                  "factor":{"type":"number","format":"double"},
                  "color":{"type":"string","enum":["RED","GREEN"]}},
                 "additionalProperties":false}"""));
    }

    @Test
    void aRecordThatHoldsItselfRefersToItsOwnSchema() {
        BodySchemas schemas = new BodySchemas();
        schemas.schema(Tree.class, "test");
        assertThat(schemas.components().at("/Tree/properties/children/items/$ref").asText())
                .isEqualTo("#/components/schemas/Tree");
    }

    @Test
    void twoRecordsWithOneSimpleNameAreToldApartByTheirEnclosingClass() {
        BodySchemas schemas = new BodySchemas();
        schemas.schema(One.Body.class, "one");
        schemas.schema(Two.Body.class, "two");
        assertThat(schemas.components().fieldNames()).toIterable()
                .containsExactly("Body", "BodySchemasTest.Two.Body");
        assertThat(schemas.schema(Two.Body.class, "again").get("$ref").asText())
                .isEqualTo("#/components/schemas/BodySchemasTest.Two.Body");
    }

    @Test
    void aTypeWithoutAMappingIsRefusedNamingTheFieldItWasFoundAt() {
        assertThatThrownBy(() -> new BodySchemas().schema(WithDuration.class, "the body of PUT /x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot describe java.time.Duration (WithDuration.timeout) as a JSON schema");
    }
}
