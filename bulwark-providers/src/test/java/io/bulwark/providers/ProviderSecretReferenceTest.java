package io.bulwark.providers;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.secrets.InMemorySecretStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A provider's authSecret may name a secret store; each call sends the secret's current value. */
class ProviderSecretReferenceTest {

    private final FlakyServer server = FlakyServer.start("llm");
    private final ProviderFixture f = new ProviderFixture();

    @AfterEach
    void close() {
        server.close();
        f.close();
    }

    private static ProviderSpec withSecret(String name, FlakyServer server, String authSecret) {
        return new ProviderSpec(name, server.uri().toString(), null, "Bearer ", authSecret, "2s", null, null, null,
                "once", null);
    }

    private String authorizationSent() throws Exception {
        f.group("llm").call(ProviderRequest.post("{}"));
        return server.lastRequest().flatMap(r -> r.header("Authorization")).orElseThrow();
    }

    @Test
    void eachCallSendsTheCurrentValueOfAStoreReference() throws Exception {
        server.succeed();
        InMemorySecretStore.put("llm#rotating", "sk-before-rotation-01");
        f.apply(new GroupSpec("llm", null, List.of(withSecret("p1", server, "test-secrets:llm#rotating?ttl=1s")), null, null));
        assertThat(authorizationSent()).isEqualTo("Bearer sk-before-rotation-01");

        InMemorySecretStore.put("llm#rotating", "sk-after-rotation-002");

        // The default resolvers run on the system clock: the 1s TTL passes in real time.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(authorizationSent()).isEqualTo("Bearer sk-after-rotation-002"));
        assertThat(f.providers.provider("p1").orElseThrow().settings().spec().authSecret())
                .as("the spec keeps the reference, never the value").isEqualTo("test-secrets:llm#rotating?ttl=1s");
    }

    @Test
    void aLiteralSecretIsRefusedAndAMissingStoreModuleOrSecretIsNamed() {
        InMemorySecretStore.put("llm#fine", "sk-fine-000000000");
        List<ProviderSpec> specs = List.of(withSecret("p1", server, "sk-literal-00000000"),
                withSecret("p2", server, "aws-sm:prod/llm#api_key"),
                withSecret("p3", server, "test-secrets:llm#absent"));

        assertThatThrownBy(() -> f.apply(new GroupSpec("llm", null, specs, null, null)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.field() + ": " + p.message())
                        .contains("groups.llm.providers[0].authSecret: authSecret must be a reference, env:VARIABLE, "
                                        + "file:/path, vault:mount/path#key or aws-sm:secret-id[#key], so that the "
                                        + "secret itself is never stored or shown",
                                "groups.llm.providers[1].authSecret: 'aws-sm:' secret references are read by the module "
                                        + "io.bulwark:bulwark-secrets-aws, which is not on the class path; add it (the "
                                        + "bulwark distribution has it), or give the secret as env:VARIABLE or file:/path",
                                "groups.llm.providers[2].authSecret: cannot read secret test-secrets:llm#absent: no "
                                        + "secret at llm#absent"));
    }
}
