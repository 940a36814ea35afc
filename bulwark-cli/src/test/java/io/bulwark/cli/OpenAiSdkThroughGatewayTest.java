package io.bulwark.cli;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.bulwark.test.provider.FakeMode;
import io.bulwark.test.provider.FakeProvider;
import io.bulwark.server.BulwarkServer;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK, unchanged, pointed at the gateway ({@code .../api/v1/providers/llm/call/v1})
 * with a Bulwark operator key as its API key, in front of the fake OpenAI-compatible provider:
 * a completion and a streamed completion come back as the SDK expects them, and the provider's
 * own error reaches the SDK as an OpenAI error.
 */
class OpenAiSdkThroughGatewayTest {

    @TempDir
    Path dir;

    private FakeProvider fake;
    private BulwarkServer server;
    private OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        fake = FakeProvider.start(new InetSocketAddress("127.0.0.1", 0), FakeMode.HEALTHY, new Random(1),
                InstantSource.system());
        String key = ApiKeyStore.open(dir, InstantSource.system()).create("sdk", Role.OPERATOR).plaintext();
        server = BulwarkServer.builder(CliServers.config(dir, Map.of("providers.fake.group", "llm",
                "providers.fake.baseUrl", fake.uri().toString()))).configuredStore().build().start();
        client = OpenAIOkHttpClient.builder().apiKey(key).maxRetries(0)
                .baseUrl(server.uri().resolve("/api/v1/providers/llm/call/v1").toString()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        fake.close();
    }

    private static ChatCompletionCreateParams hello() {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("Hello from the SDK").build();
    }

    @Test
    void aCompletionComesBackAsTheSdkExpectsIt() {
        ChatCompletion answer = client.chat().completions().create(hello());
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.choices().get(0).message().content()).contains("Hello from the SDK");
        assertThat(answer.id()).startsWith("chatcmpl-fake-");
    }

    @Test
    void aStreamedCompletionComesBackChunkByChunk() {
        String text;
        long chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hello())) {
            var all = stream.stream().toList();
            chunks = all.size();
            text = all.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().content().stream())
                    .collect(Collectors.joining());
        }
        assertThat(chunks).as("the role, a chunk per word, the end").isGreaterThan(3);
        assertThat(text.strip()).isEqualTo("Hello from the SDK");
    }

    @Test
    void aStreamTheProviderCutsOffEndsWithAnErrorTheSdkRaises() {
        fake.mode(FakeMode.HEALTHY.withCutAfterChunks(2));
        java.util.List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hello())) {
                stream.stream().forEach(c -> seen.add(c.id()));
            }
        }).as("the gateway's terminal error event").isInstanceOf(com.openai.errors.SseException.class)
                .hasMessageContaining("the provider's stream broke off");
        assertThat(seen).as("the chunks before the cut arrived").isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(fake.stats().cuts()).isEqualTo(1);
    }

    @Test
    void aProviderThatSaysRetryAfterIsPassedOnAsA429WithRetryAfter() {
        fake.mode(FakeMode.of(java.time.Duration.ZERO, 1.0, 429).withRetryAfter(java.time.Duration.ofSeconds(1)));
        assertThatThrownBy(() -> client.chat().completions().create(hello()))
                .isInstanceOf(OpenAIServiceException.class)
                .satisfies(e -> {
                    OpenAIServiceException s = (OpenAIServiceException) e;
                    assertThat(s.statusCode()).isEqualTo(429);
                    assertThat(s.headers().values("Retry-After")).as("passed back to the caller").isNotEmpty();
                });
    }

    @Test
    void theProvidersOwnErrorReachesTheSdkAsAnOpenAiError() {
        fake.mode(FakeMode.of(java.time.Duration.ZERO, 1.0, 400));
        assertThatThrownBy(() -> client.chat().completions().create(hello()))
                .isInstanceOf(OpenAIServiceException.class)
                .satisfies(e -> assertThat(((OpenAIServiceException) e).statusCode()).isEqualTo(400));
    }
}
