package io.bulwark.server;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.test.http.FlakyServer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives every POST and PUT route that takes a JSON body with mutations of a valid body: type
 * swaps, extremes, deep nesting, odd Unicode, missing and unknown fields, bodies that are not
 * objects. Whatever is sent, the server never answers 5xx, every 4xx is problem+json, and a
 * validation problem names each field it refuses.
 *
 * <p>A case is a route and a seed; the seed drives the mutations, so a failure's seed replays it.
 */
@RequiresService(LocalService.REDIS)
class MutatedBodiesPropertiesTest {

    private static final String LONE_SURROGATE = "@@LONE@@";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static BodyRoutes fixture;

    @BeforeContainer
    static void start() throws IOException {
        fixture = new BodyRoutes();
    }

    @AfterContainer
    static void stop() {
        fixture.close();
    }

    @Property(tries = 1200)
    void noMutatedBodyGetsA5xxAndEveryRefusalIsAProblemNamingItsFields(@ForAll @IntRange(min = 0, max = 17) int route,
                                                                       @ForAll long seed) {
        BodyRoutes.Route r = fixture.routes.get(route);
        Random random = new Random(seed);
        String body = mutate(r.seed(), random);
        Http.Response res = fixture.http.send(r.method(), r.path(), body, Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));

        BodyRoutes.requireNoServerErrorAndAProblem(r, body, res);
    }

    static String mutate(String seed, Random random) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (random.nextInt(20) == 0) {
            root = oddValue(random);
        } else {
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                root = mutateOnce(root, random);
            }
        }
        String text = root.toString();
        return text.replace(LONE_SURROGATE, "\\ud800");
    }

    /** Replaces, removes or adds one field somewhere in the tree. */
    private static JsonNode mutateOnce(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return oddValue(random);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            int kind = random.nextInt(6);
            if (names.isEmpty() || kind == 0) {
                o.set(random.nextBoolean() ? "unknownField" : "x" + LONE_SURROGATE, oddValue(random));
            } else if (kind == 1) {
                o.remove(names.get(random.nextInt(names.size())));
            } else {
                o.set(names.get(random.nextInt(names.size())), oddValue(random));
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(oddValue(random));
            } else {
                a.set(random.nextInt(a.size()), oddValue(random));
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static JsonNode oddValue(Random random) {
        return switch (random.nextInt(30)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(-0.5);
            case 4 -> NODES.numberNode(9.99);
            case 5 -> NODES.numberNode(new BigInteger("99999999999999999999999"));
            case 6 -> NODES.numberNode(Long.MAX_VALUE);
            case 7 -> NODES.numberNode(Double.MAX_VALUE);
            case 8 -> NODES.numberNode(new java.math.BigDecimal("1e400"));
            case 9 -> NODES.numberNode(new java.math.BigDecimal("-1e400"));
            case 10 -> NODES.numberNode(0);
            case 11 -> NODES.numberNode(-1);
            case 12 -> NODES.textNode("");
            case 13 -> NODES.textNode("str");
            case 14 -> NODES.textNode("99999999999d");
            case 15 -> NODES.textNode("+999999999-12-31T23:59:59Z");
            case 16 -> NODES.textNode("-999999999-01-01T00:00:00Z");
            case 17 -> NODES.textNode("line\r\nINFO forged");
            case 18 -> NODES.textNode("x".repeat(1 + random.nextInt(5000)));
            case 19 -> NODES.textNode("\uD83D\uDE00 é " + LONE_SURROGATE);
            case 20 -> NODES.textNode("PT-1S");
            case 21 -> NODES.textNode("1e300");
            case 22 -> NODES.arrayNode();
            case 23 -> NODES.arrayNode().add(NODES.nullNode());
            case 24 -> NODES.objectNode();
            case 25 -> deep(random.nextInt(200));
            case 26 -> NODES.textNode("0s");
            case 27 -> NODES.textNode("admin");
            case 28 -> NODES.textNode("../../etc");
            default -> NODES.numberNode(random.nextDouble() * 1e12);
        };
    }

    private static JsonNode deep(int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }
}
