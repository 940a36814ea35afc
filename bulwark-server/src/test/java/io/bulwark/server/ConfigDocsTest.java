package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Profile;
import io.bulwark.core.config.ValueType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps docs/configuration.md and the schema in step: every key, its env name and default. */
class ConfigDocsTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyKeyIsDocumentedWithItsEnvironmentNameAndDefault() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "configuration.md"));
        String doc = page.substring(page.indexOf("## Every key"));
        java.util.List<ConfigKey<?>> all = new java.util.ArrayList<>(ServerKeys.ALL);
        all.addAll(JobKeys.ALL);
        all.addAll(RateLimitKeys.ALL);
        for (ConfigKey key : all) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + key.name() + "`")).findFirst().orElse(null);
            assertThat(row).as("docs/configuration.md has a row for %s", key.name()).isNotNull();
            assertThat(row).as(key.name()).contains("`" + key.envName() + "`");
            if (!key.isPattern() && !key.secret()) {
                Object def = key.defaultFor(Profile.DEV).orElseThrow();
                assertThat(row).as(key.name()).contains("`" + ((ValueType) key.type()).render(def) + "`");
            }
        }
    }
}
