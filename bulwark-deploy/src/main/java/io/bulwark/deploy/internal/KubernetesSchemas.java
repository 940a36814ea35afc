package io.bulwark.deploy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates Kubernetes objects against the official OpenAPI definitions, as kubeconform does in
 * its strict mode: the definitions of the kinds Bulwark writes (trimmed from Kubernetes' own
 * {@code swagger.json} by {@code scripts/trim-kubernetes-schema.sh}; the version and source are in
 * the file's {@code info}) are loaded with three changes.
 * <ul>
 * <li>Every object that declares {@code properties} and says nothing of
 *     {@code additionalProperties} gets {@code additionalProperties: false}, so a misspelt field is
 *     an error (the API server drops unknown fields with a warning; kubeconform {@code -strict}
 *     refuses them).</li>
 * <li>An int-or-string ({@code format: int-or-string} or {@code x-kubernetes-int-or-string}) accepts
 *     an integer or a string, and a Quantity a string or a number, as the API server does.</li>
 * <li>{@code format} is dropped: Kubernetes' formats ({@code int32}, {@code byte}, ...) are not
 *     JSON Schema's, and the API server checks them itself.</li>
 * </ul>
 * A kind without a definition here (KEDA's ScaledObject, Istio's resources: custom resources) has no
 * schema: {@link #validate} returns empty, and the caller says it was checked by strict parsing only
 * (kubeconform's "missing schema" skip).
 */
public final class KubernetesSchemas {

    /** The trimmed definitions on the class path. */
    public static final String RESOURCE = "/io/bulwark/deploy/kubernetes/schema.json";

    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private static final KubernetesSchemas INSTANCE = load();

    private final ObjectNode definitions;
    private final Map<String, String> byKind;
    private final String version;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private KubernetesSchemas(ObjectNode definitions, Map<String, String> byKind, String version) {
        this.definitions = definitions;
        this.byKind = byKind;
        this.version = version;
    }

    /** The definitions shipped with Bulwark. */
    public static KubernetesSchemas bundled() {
        return INSTANCE;
    }

    private static KubernetesSchemas load() {
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            JsonNode doc = new ObjectMapper().readTree(in);
            ObjectNode definitions = (ObjectNode) doc.path("definitions");
            Map<String, String> byKind = new HashMap<>();
            for (Map.Entry<String, JsonNode> d : definitions.properties()) {
                for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
                    String group = gvk.path("group").asText();
                    byKind.put((group.isEmpty() ? "" : group + "/") + gvk.path("version").asText() + "/"
                            + gvk.path("kind").asText(), d.getKey());
                }
                strict(d.getValue());
            }
            ((ObjectNode) definitions.path(QUANTITY)).set("type", types("string", "number"));
            String title = doc.path("info").path("title").asText();
            return new KubernetesSchemas(definitions, Map.copyOf(byKind), title.split(" ").length > 1
                    ? title.split(" ")[1] : title);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The transformation described on the class, in place, on one definition and everything below it. */
    private static void strict(JsonNode node) {
        if (node instanceof ArrayNode a) {
            a.forEach(KubernetesSchemas::strict);
            return;
        }
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        boolean intOrString = "int-or-string".equals(o.path("format").asText()) || o.path("x-kubernetes-int-or-string").asBoolean();
        for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("format") || name.startsWith("x-kubernetes-")) {
                names.remove();
            }
        }
        if (intOrString) {
            o.set("type", types("integer", "string"));
        }
        if (o.has("properties") && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        for (Map.Entry<String, JsonNode> child : o.properties()) {
            if (child.getKey().equals("properties")) {
                child.getValue().forEach(KubernetesSchemas::strict);
            } else {
                strict(child.getValue());
            }
        }
    }

    private static ArrayNode types(String... names) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (String n : names) {
            a.add(n);
        }
        return a;
    }

    /** The Kubernetes version of the definitions, e.g. {@code v1.35.0}. */
    public String version() {
        return version;
    }

    /** True when {@code apiVersion} and {@code kind} have a definition here. */
    public boolean knows(String apiVersion, String kind) {
        return byKind.containsKey(apiVersion + "/" + kind);
    }

    /**
     * Where {@code object} breaks its kind's definition: each as {@code path: reason}, the path from
     * the object's top ({@code spec.replica}); empty when it passes, or when its kind has no
     * definition here ({@link #knows}).
     */
    public List<String> validate(JsonNode object) {
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Optional<Schema> schema = Optional.ofNullable(byKind.get(key)).map(d -> compiled.computeIfAbsent(d, this::compile));
        if (schema.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema.get().validate(object)) {
            String path = path(e.getInstanceLocation().toString());
            if (e.getProperty() != null && "additionalProperties".equals(e.getKeyword())) {
                path = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
            }
            out.add((path.isEmpty() ? "the top" : path) + ": " + e.getMessage());
        }
        return out;
    }

    /** A JSON pointer ({@code /spec/template/metadata/annotations/prometheus.io~1port}) as {@code spec.template...}. */
    private static String path(String pointer) {
        StringBuilder b = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replace("~1", "/").replace("~0", "~");
            b.append(name.chars().allMatch(Character::isDigit) ? "[" + name + "]" : (b.isEmpty() ? "" : ".") + name);
        }
        return b.toString();
    }

    /** One definition as a draft-4 schema over all of them (they refer to each other by {@code #/definitions/}). */
    private Schema compile(String definition) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("$ref", "#/definitions/" + definition);
        root.set("definitions", definitions);
        Schema s = registry.getSchema(root);
        s.initializeValidators();
        return s;
    }
}
