package io.bulwark.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A directory the deploy tests generated artifacts into: read back, edited, validated. */
final class GeneratedDir {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private GeneratedDir() {
    }

    /** The result of {@link Validation}'s {@code kubernetes manifests} check over {@code dir}. */
    static CheckResult kubernetesCheck(Path dir) throws Exception {
        return Validation.validate(dir).stream().filter(r -> r.check().equals("kubernetes manifests")).findFirst()
                .orElseThrow();
    }

    /** Replaces the first {@code from} in {@code file} with {@code to}, failing when it is not there. */
    static void edit(Path dir, String file, String from, String to) throws Exception {
        Path p = dir.resolve(file);
        String before = Files.readString(p);
        String after = before.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        assertThat(after).as("the edit applied").isNotEqualTo(before);
        Files.writeString(p, after);
    }

    /** Every YAML document of {@code file}. */
    static List<JsonNode> docs(Path file) throws Exception {
        try (JsonParser p = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(p, JsonNode.class).readAll();
        }
    }
}
