package io.bulwark.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void aSyntaxErrorSaysWhereWithoutTheParsersSourceDescription() {
        assertThatThrownBy(() -> Json.mapper().readTree("{"))
                .isInstanceOfSatisfying(JsonProcessingException.class, e -> assertThat(Json.syntaxError(e))
                        .isEqualTo(" at line 1, column 2: Unexpected end-of-input: expected close marker for Object "
                                + "(start marker at line 1, column 1)"));
    }

    @Test
    void aDocumentIsOneValueForEveryMapper() throws Exception {
        for (ObjectMapper m : new ObjectMapper[]{Json.mapper(), Json.strictMapper(), Json.newMapper()}) {
            for (String text : new String[]{"{\"a\":1} x", "{\"a\":1}{}", "[1] [2]", "1 2", "{\"a\":1}]"}) {
                assertThatThrownBy(() -> m.readTree(text)).as(text).isInstanceOf(JsonProcessingException.class);
                assertThatThrownBy(() -> m.readValue(text, Object.class)).as(text).isInstanceOf(JsonProcessingException.class);
            }
            assertThat(m.readValue(" {\"a\":1} \n\t", Map.class)).isEqualTo(Map.of("a", 1));
            assertThat(m.readTree("[1]\n").size()).isEqualTo(1);
        }
    }
}
