package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Profile;
import io.bulwark.core.config.ValueType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps docs/configuration.md and the schema in step: every key, its env name and default. */
class ConfigDocsTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyKeyIsDocumentedWithItsEnvironmentNameAndDefault() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "configuration.md"));
        String doc = page.substring(page.indexOf("## Every key"));
        List<String> missing = new ArrayList<>();
        for (ConfigKey key : ServerKeys.schema().keys()) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + key.name() + "`")).findFirst().orElse(null);
            if (row == null) {
                missing.add(row(key));
                continue;
            }
            assertThat(row).as(key.name()).contains("`" + key.envName() + "`");
            if (!key.isPattern() && !key.secret() && key.defaultFor(Profile.DEV).isPresent()) {
                Object def = key.defaultFor(Profile.DEV).orElseThrow();
                assertThat(row).as(key.name()).contains("`" + ((ValueType) key.type()).render(def) + "`");
            }
        }
        // The message carries the rows to paste, so a new key costs one copy.
        assertThat(missing).as("rows missing from docs/configuration.md").isEmpty();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String row(ConfigKey key) {
        String def = "";
        if (!key.secret() && key.defaultFor(Profile.DEV).isPresent()) {
            def = "`" + ((ValueType) key.type()).render(key.defaultFor(Profile.DEV).get()) + "`";
        }
        return "| `" + key.name() + "` | " + key.type().describe() + " | " + def + " |  | `" + key.envName() + "` | "
                + key.description() + " |";
    }
}
