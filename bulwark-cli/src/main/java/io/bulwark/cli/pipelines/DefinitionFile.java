package io.bulwark.cli.pipelines;

import io.bulwark.cli.internal.CliException;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A pipeline definition file: its text and the Content-Type it is sent with. YAML by the
 * extension {@code .yaml} or {@code .yml}, JSON by {@code .json}; any other name by its content
 * (a document starting with <code>{</code> is JSON, else YAML). The server checks the rest.
 *
 * @param text the file's text
 * @param contentType {@code application/json} or {@code application/yaml}
 */
record DefinitionFile(String text, String contentType) {

    static final String JSON = "application/json";
    static final String YAML = "application/yaml";

    /**
     * Reads {@code file}.
     *
     * @throws CliException exit 2 naming the file when it cannot be read or is empty
     */
    static DefinitionFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw CliException.usage("FILE " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw CliException.usage("FILE " + file + " is not UTF-8 text; a pipeline definition is JSON or YAML");
        } catch (IOException e) {
            throw CliException.usage("FILE " + file + " cannot be read: " + e.getMessage());
        }
        if (text.isBlank()) {
            throw CliException.usage("FILE " + file + " is empty; a pipeline definition needs at least id and steps");
        }
        return new DefinitionFile(text, typeOf(file.getFileName().toString(), text));
    }

    static String typeOf(String name, String text) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return YAML;
        }
        if (lower.endsWith(".json")) {
            return JSON;
        }
        String start = text.stripLeading();
        return start.startsWith("\uFEFF{") || start.startsWith("{") ? JSON : YAML;
    }
}
