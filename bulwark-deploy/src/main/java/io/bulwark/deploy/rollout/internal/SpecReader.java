package io.bulwark.deploy.rollout.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.core.units.Durations;
import io.bulwark.deploy.rollout.AnalysisSpec;
import io.bulwark.deploy.rollout.DriverSpec;
import io.bulwark.deploy.rollout.InvalidRolloutException;
import io.bulwark.deploy.rollout.MetricSpec;
import io.bulwark.deploy.rollout.RolloutSpec;
import io.bulwark.deploy.rollout.SpecError;
import io.bulwark.deploy.rollout.Step;
import io.bulwark.deploy.rollout.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks a definition's tree by hand, so every problem is reported with its field path and the
 * reader goes on after one (a data-binding mapper would stop at the first).
 */
public final class SpecReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<SpecError> errors = new ArrayList<>();
    private Map<String, JsonNode> templates = Map.of();

    private SpecReader() {
    }

    /** See {@link io.bulwark.deploy.rollout.RolloutSpecs#parse(String)}. */
    public static RolloutSpec read(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new InvalidRolloutException(List.of(new SpecError("(document)",
                    "is not valid YAML or JSON: " + e.getOriginalMessage())));
        }
        return new SpecReader().rollout(root);
    }

    /** See {@link io.bulwark.deploy.rollout.RolloutSpecs#check}. */
    public static List<SpecError> check(RolloutSpec spec, Collection<String> driverTypes, Collection<String> providers) {
        List<SpecError> out = new ArrayList<>();
        if (!driverTypes.contains(spec.driver().type())) {
            out.add(new SpecError("driver.type", "unknown driver '" + spec.driver().type() + "', known: "
                    + String.join(", ", new TreeSet<>(driverTypes))));
        }
        for (RolloutSpec.Located<MetricSpec> m : spec.metrics()) {
            if (!providers.contains(m.value().provider())) {
                out.add(new SpecError(m.field() + ".provider", "unknown provider '" + m.value().provider()
                        + "', known: " + String.join(", ", new TreeSet<>(providers))));
            }
        }
        return out;
    }

    private RolloutSpec rollout(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRolloutException(List.of(new SpecError("(document)",
                    "must be an object with name, strategy and driver")));
        }
        unknown(root, "", Set.of("name", "strategy", "driver", "analysisTemplates"));
        String name = text(root, "name", "name");
        if (name != null && !RolloutSpec.NAME.matcher(name).matches()) {
            error("name", RolloutSpec.NAME_RULE + ", but was '" + name + "'");
        }
        templates = templates(root.get("analysisTemplates"));
        DriverSpec driver = driver(root.get("driver"));
        Strategy strategy = strategy(root.get("strategy"));
        if (!errors.isEmpty()) {
            throw new InvalidRolloutException(errors);
        }
        return new RolloutSpec(name, strategy, driver);
    }

    private Map<String, JsonNode> templates(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            error("analysisTemplates", "must be a map of template name to {metrics: [...]}");
            return Map.of();
        }
        Map<String, JsonNode> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private DriverSpec driver(JsonNode node) {
        if (node == null || !node.isObject()) {
            error("driver", "must be an object with a type (e.g. {type: nginx, ...settings})");
            return null;
        }
        String type = text(node, "type", "driver.type");
        Map<String, Object> settings = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!e.getKey().equals("type")) {
                settings.put(e.getKey(), YAML.convertValue(e.getValue(), Object.class));
            }
        });
        return type == null ? null : new DriverSpec(type, settings);
    }

    private Strategy strategy(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1
                || !(node.has("canary") || node.has("blueGreen"))) {
            error("strategy", "must hold exactly one of canary or blueGreen");
            return null;
        }
        return node.has("canary") ? canary(node.get("canary")) : blueGreen(node.get("blueGreen"));
    }

    private Strategy canary(JsonNode node) {
        String at = "strategy.canary";
        if (node == null || !node.isObject()) {
            error(at, "must be an object with steps");
            return null;
        }
        unknown(node, at, Set.of("steps"));
        JsonNode steps = node.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            error(at + ".steps", "must be a non-empty list of setWeight, pause and analysis steps ending with setWeight: 100");
            return null;
        }
        List<Step> out = new ArrayList<>();
        Integer lastWeight = null;
        int lastWeightAt = -1;
        for (int i = 0; i < steps.size(); i++) {
            String field = at + ".steps[" + i + "]";
            JsonNode step = steps.get(i);
            if (step == null || !step.isObject() || step.size() != 1) {
                error(field, "must hold exactly one of setWeight, pause or analysis");
                continue;
            }
            String kind = step.fieldNames().next();
            JsonNode value = step.get(kind);
            switch (kind) {
                case "setWeight" -> {
                    if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 100) {
                        error(field + ".setWeight", "must be a whole number from 0 to 100 but was " + value);
                    } else {
                        lastWeight = value.asInt();
                        lastWeightAt = i;
                        out.add(new Step.SetWeight(value.asInt()));
                    }
                }
                case "pause" -> {
                    if (value == null || !value.isObject()) {
                        error(field + ".pause", "must be {duration: 30s} or {} (until resumed)");
                        continue;
                    }
                    unknown(value, field + ".pause", Set.of("duration"));
                    Duration d = duration(value, "duration", field + ".pause.duration");
                    if (d != null && (d.isZero() || d.isNegative())) {
                        error(field + ".pause.duration", "must be positive, or left out to pause until resumed");
                    }
                    out.add(new Step.Pause(d));
                }
                case "analysis" -> {
                    AnalysisSpec a = analysis(value, field + ".analysis");
                    if (a != null) {
                        out.add(new Step.Analyze(a));
                    }
                }
                default -> error(field, "unknown step '" + kind + "', allowed: setWeight, pause, analysis");
            }
        }
        if (lastWeight == null) {
            error(at + ".steps", "has no setWeight step; the last setWeight must be 100 (full weight)");
        } else if (lastWeight != 100) {
            error(at + ".steps[" + lastWeightAt + "].setWeight",
                    "the last setWeight must be 100 (full weight) so the rollout ends on the new version, but was " + lastWeight);
        }
        return new Strategy.Canary(out);
    }

    private Strategy blueGreen(JsonNode node) {
        String at = "strategy.blueGreen";
        if (node == null || !node.isObject()) {
            error(at, "must be an object (it may be empty: {})");
            return null;
        }
        unknown(node, at, Set.of("autoPromotionEnabled", "autoPromotionSeconds", "prePromotionAnalysis",
                "postPromotionAnalysis", "scaleDownDelay", "scaleDownDelaySeconds"));
        Duration auto = Duration.ZERO;
        JsonNode enabled = node.get("autoPromotionEnabled");
        if (enabled != null && !enabled.isBoolean()) {
            error(at + ".autoPromotionEnabled", "must be true or false but was " + enabled);
        } else if (enabled != null && !enabled.asBoolean()) {
            auto = null;
        }
        JsonNode seconds = node.get("autoPromotionSeconds");
        if (seconds != null) {
            if (!seconds.isIntegralNumber() || seconds.asLong() < 0) {
                error(at + ".autoPromotionSeconds", "must be a whole number of seconds >= 0 but was " + seconds);
            } else if (auto == null) {
                error(at + ".autoPromotionSeconds", "cannot be set with autoPromotionEnabled: false");
            } else {
                auto = Duration.ofSeconds(seconds.asLong());
            }
        }
        Duration scaleDown = Duration.ofSeconds(30);
        if (node.has("scaleDownDelay") && node.has("scaleDownDelaySeconds")) {
            error(at + ".scaleDownDelay", "set scaleDownDelay or scaleDownDelaySeconds, not both");
        } else if (node.has("scaleDownDelay")) {
            Duration d = duration(node, "scaleDownDelay", at + ".scaleDownDelay");
            scaleDown = d == null ? scaleDown : d;
        } else if (node.has("scaleDownDelaySeconds")) {
            JsonNode s = node.get("scaleDownDelaySeconds");
            if (!s.isIntegralNumber() || s.asLong() < 0) {
                error(at + ".scaleDownDelaySeconds", "must be a whole number of seconds >= 0 but was " + s);
            } else {
                scaleDown = Duration.ofSeconds(s.asLong());
            }
        }
        AnalysisSpec pre = node.has("prePromotionAnalysis") ? analysis(node.get("prePromotionAnalysis"), at + ".prePromotionAnalysis") : null;
        AnalysisSpec post = node.has("postPromotionAnalysis") ? analysis(node.get("postPromotionAnalysis"), at + ".postPromotionAnalysis") : null;
        return new Strategy.BlueGreen(auto, pre, post, scaleDown);
    }

    private AnalysisSpec analysis(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            error(at, "must be an object with metrics (inline) and/or templates (names from analysisTemplates)");
            return null;
        }
        unknown(node, at, Set.of("metrics", "templates"));
        List<MetricSpec> metrics = new ArrayList<>();
        JsonNode refs = node.get("templates");
        if (refs != null) {
            if (!refs.isArray()) {
                error(at + ".templates", "must be a list of template names");
            } else {
                for (int i = 0; i < refs.size(); i++) {
                    JsonNode ref = refs.get(i);
                    String name = ref.isTextual() ? ref.asText() : ref.path("templateName").asText(null);
                    String field = at + ".templates[" + i + "]";
                    JsonNode template = name == null ? null : templates.get(name);
                    if (template == null) {
                        error(field, "unknown template '" + name + "', known: " + String.join(", ", new TreeSet<>(templates.keySet())));
                    } else {
                        String tAt = "analysisTemplates." + name;
                        unknown(template, tAt, Set.of("metrics"));
                        metrics(template.get("metrics"), tAt + ".metrics", metrics);
                    }
                }
            }
        }
        if (node.has("metrics")) {
            metrics(node.get("metrics"), at + ".metrics", metrics);
        }
        if (metrics.isEmpty() && refs == null && !node.has("metrics")) {
            error(at, "must name at least one metric (metrics) or template (templates)");
        }
        Set<String> seen = new HashSet<>();
        for (MetricSpec m : metrics) {
            if (!seen.add(m.name())) {
                error(at, "has two metrics named '" + m.name() + "'; metric names must be unique within an analysis");
            }
        }
        return new AnalysisSpec(metrics);
    }

    private void metrics(JsonNode node, String at, List<MetricSpec> out) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            error(at, "must be a non-empty list of metrics");
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            MetricSpec m = metric(node.get(i), at + "[" + i + "]");
            if (m != null) {
                out.add(m);
            }
        }
    }

    private MetricSpec metric(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            error(at, "must be an object with name and provider");
            return null;
        }
        int before = errors.size();
        unknown(node, at, Set.of("name", "provider", "successCondition", "failureCondition", "interval", "count",
                "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit", "initialDelay"));
        String name = text(node, "name", at + ".name");
        String provider = null;
        String query = null;
        Map<String, Object> settings = new LinkedHashMap<>();
        JsonNode p = node.get("provider");
        if (p == null || !p.isObject() || p.size() != 1) {
            error(at + ".provider", "must hold exactly one provider, e.g. {prometheus: {address: ..., query: ...}} or {bulwark: {query: ...}}");
        } else {
            provider = p.fieldNames().next();
            JsonNode body = p.get(provider);
            if (body == null || !body.isObject()) {
                error(at + ".provider." + provider, "must be an object with a query");
            } else {
                query = text(body, "query", at + ".provider." + provider + ".query");
                body.properties().forEach(e -> {
                    if (!e.getKey().equals("query")) {
                        settings.put(e.getKey(), YAML.convertValue(e.getValue(), Object.class));
                    }
                });
            }
        }
        String success = condition(node, "successCondition", at);
        String failure = condition(node, "failureCondition", at);
        Duration interval = duration(node, "interval", at + ".interval");
        if (interval != null && (interval.isZero() || interval.isNegative())) {
            error(at + ".interval", "must be positive but was " + node.get("interval").asText());
        }
        Duration initialDelay = duration(node, "initialDelay", at + ".initialDelay");
        int count = integer(node, "count", at, 0, 0);
        int failureLimit = integer(node, "failureLimit", at, 0, -1);
        int inconclusiveLimit = integer(node, "inconclusiveLimit", at, 0, 0);
        int errorLimit = integer(node, "consecutiveErrorLimit", at, MetricSpec.DEFAULT_CONSECUTIVE_ERROR_LIMIT, 0);
        if (count > 0 && failureLimit >= 0 && count < failureLimit) {
            error(at + ".count", "must be >= failureLimit (" + failureLimit + ") but was " + count);
        }
        if (count > 0 && count < inconclusiveLimit) {
            error(at + ".count", "must be >= inconclusiveLimit (" + inconclusiveLimit + ") but was " + count);
        }
        if (count > 1 && interval == null && !node.has("interval")) {
            error(at + ".interval", "must be set when count > 1 (count is " + count + ")");
        }
        if (errors.size() > before || name == null || provider == null || query == null) {
            return null;
        }
        return new MetricSpec(name, provider, settings, query, success, failure, interval, count,
                failureLimit, inconclusiveLimit, errorLimit, initialDelay);
    }

    private String condition(JsonNode node, String key, String at) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            error(at + "." + key, "must be an expression string such as result < 0.05 but was " + v);
            return null;
        }
        try {
            Condition.compile(v.asText());
        } catch (IllegalArgumentException e) {
            error(at + "." + key, e.getMessage());
            return null;
        }
        return v.asText();
    }

    private int integer(JsonNode node, String key, String at, int fallback, int min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > Integer.MAX_VALUE) {
            error(at + "." + key, "must be a whole number >= " + min
                    + (min < 0 ? " (-1 disables it)" : "") + " but was " + v);
            return fallback;
        }
        return v.asInt();
    }

    private Duration duration(JsonNode node, String key, String field) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isIntegralNumber()) {
            error(field, "must be " + Durations.ACCEPTED + " but was " + v);
            return null;
        }
        String text = v.isIntegralNumber() ? v.asText() + "s" : v.asText();
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            error(field, "must be " + Durations.ACCEPTED + " but was '" + v.asText() + "'");
            return null;
        }
    }

    private String text(JsonNode node, String key, String field) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            error(field, "is required (a non-empty string)" + (v == null ? "" : " but was " + v));
            return null;
        }
        return v.asText();
    }

    private void unknown(JsonNode node, String at, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                error(at.isEmpty() ? key : at + "." + key, "unknown field, allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private void error(String field, String message) {
        errors.add(new SpecError(field, message));
    }
}
