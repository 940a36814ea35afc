package io.bulwark.secrets.aws;

import io.bulwark.core.config.ConfigException;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.config.ConfigSchema;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolvers;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GetSecretValue through the AWS SDK against a local server that answers as the service's API describes. */
class AwsSecretsManagerResolverTest {

    private static final String ACCESS_KEY = "AKIDBULWARKTEST";
    private static final String API_KEY = "sk-aws-held-0123456789";
    private static final String JSON_SECRET = "{\"api_key\":\"" + API_KEY + "\",\"org\":\"acme\",\"port\":5432}";

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-05-01T08:00:00Z"));
    private FakeSecretsManager service;
    private SecretsManagerClient client;
    private AwsSecretsManagerResolver resolver;

    @BeforeEach
    void start() throws Exception {
        service = FakeSecretsManager.start(ACCESS_KEY).put("prod/llm", JSON_SECRET).put("prod/plain", API_KEY);
        client = SecretsManagerClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(service.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "test-secret-key")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Errors are asserted one request each; the SDK's own retries are its business.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        resolver = new AwsSecretsManagerResolver(client);
    }

    @AfterEach
    void stop() {
        client.close();
        service.close();
    }

    @Test
    void readsTheWholeSecretStringOfTheCurrentVersion() {
        assertThat(resolver.resolve("prod/plain")).isEqualTo(API_KEY);

        assertThat(service.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/");
            assertThat(r.target()).isEqualTo("secretsmanager.GetSecretValue");
            assertThat(r.contentType()).startsWith("application/x-amz-json-1.1");
            assertThat(r.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                    .contains("/us-east-1/secretsmanager/aws4_request");
            assertThat(r.body().path("SecretId").asText()).isEqualTo("prod/plain");
            assertThat(r.body().path("VersionStage").asText()).isEqualTo("AWSCURRENT");
        });
    }

    @Test
    void picksOneKeyOfAJsonSecretString() {
        assertThat(resolver.resolve("prod/llm#api_key")).isEqualTo(API_KEY);
        assertThat(resolver.resolve("prod/llm#port")).as("a number, as text").isEqualTo("5432");
        assertThat(resolver.resolve("prod/llm")).isEqualTo(JSON_SECRET);
    }

    @Test
    void aSecretMayBeNamedByItsArn() {
        assertThat(resolver.resolve(FakeSecretsManager.ACCOUNT_ARN + "prod/llm-AbCdEf#org")).isEqualTo("acme");
    }

    @Test
    void aMissingSecretSaysSoWithTheServicesMessage() {
        assertThatThrownBy(() -> resolver.resolve("prod/nope#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessage("no secret 'prod/nope' in AWS Secrets Manager (ResourceNotFoundException: Secrets Manager "
                        + "can't find the specified secret.)");
    }

    @Test
    void aRefusalNamesTheStatusTheErrorCodeAndTheMessage() {
        service.failWith(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/app is not authorized "
                + "to perform: secretsmanager:GetSecretValue");

        assertThatThrownBy(() -> resolver.resolve("prod/llm#api_key"))
                .hasMessage("AWS Secrets Manager answered 400 AccessDeniedException to GetSecretValue for 'prod/llm': "
                        + "User: arn:aws:iam::123456789012:user/app is not authorized to perform: secretsmanager:GetSecretValue");
    }

    @Test
    void aMissingJsonKeyNamesTheKeysThereAreButNoValue() {
        assertThatThrownBy(() -> resolver.resolve("prod/llm#apiKey"))
                .hasMessage("secret 'prod/llm' has no JSON key 'apiKey' (its keys: api_key, org, port)")
                .message().doesNotContain(API_KEY);
    }

    @Test
    void aKeyOfASecretThatIsNotJsonIsRefusedWithoutQuotingIt() {
        service.put("prod/almost-json", "{\"api_key\": \"" + API_KEY + "\""); // cut short

        assertThatThrownBy(() -> resolver.resolve("prod/almost-json#api_key"))
                .hasMessage("secret 'prod/almost-json' is not a JSON object, so it has no key 'api_key'; name the secret "
                        + "without #api_key to use its whole SecretString")
                .message().doesNotContain(API_KEY);
        assertThatThrownBy(() -> resolver.resolve("prod/plain#api_key")).message().doesNotContain(API_KEY);
    }

    @Test
    void aBinarySecretIsNotSupported() {
        service.putBinary("prod/cert", "binary".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> resolver.resolve("prod/cert"))
                .hasMessage("secret 'prod/cert' has no SecretString (it holds SecretBinary, which is not supported)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"#api_key", "prod/llm#", " "})
    void aMalformedReferenceSaysHowToWriteOne(String location) {
        assertThatThrownBy(() -> resolver.resolve(location))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an aws-sm reference is aws-sm:<secret-id> or aws-sm:<secret-id>#<json key>, e.g. "
                        + "aws-sm:prod/llm#api_key, but was 'aws-sm:" + location + "'");
        assertThat(service.requests()).isEmpty();
    }

    @Test
    void anUnreachableServiceIsNamed() {
        service.close();

        assertThatThrownBy(() -> resolver.resolve("prod/llm#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessageStartingWith("cannot call AWS Secrets Manager for 'prod/llm': Unable to execute HTTP request");
    }

    @Test
    void aRotationIsPickedUpAfterTheTtlAndAFailedRefreshKeepsTheLastValue() {
        SecretResolvers resolvers = SecretResolvers.builder().clock(clock).resolver(resolver).build();
        Secret secret = ValueTypes.secret(resolvers).convert("aws-sm:prod/llm#api_key?ttl=2m");

        service.put("prod/llm", "{\"api_key\":\"sk-rotated-by-lambda-0002\"}");
        clock.advance(Duration.ofMinutes(1));
        assertThat(secret.reveal()).isEqualTo(API_KEY);
        clock.advance(Duration.ofMinutes(1));
        assertThat(secret.reveal()).isEqualTo("sk-rotated-by-lambda-0002");

        service.failWith(400, "ThrottlingException", "Rate exceeded");
        clock.advance(Duration.ofMinutes(2));
        assertThat(secret.reveal()).isEqualTo("sk-rotated-by-lambda-0002");
        assertThat(service.requests()).hasSize(3);
    }

    @Test
    void aFirstReadThatFailsStopsTheLoadNamingTheKeyAndTheReference() {
        SecretResolvers resolvers = SecretResolvers.builder().clock(clock).resolver(resolver).build();
        ConfigKey<Secret> key = ConfigKey.builder("store.password", ValueTypes.secret(resolvers)).secret().build();

        assertThatThrownBy(() -> ConfigLoader.load(ConfigSchema.of(List.of(key)), new ConfigInputs(Optional.empty(), dir,
                Map.of(), Map.of("store.password", "aws-sm:prod/db#password"), Optional.empty())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.key()).isEqualTo("store.password");
                            assertThat(p.message()).isEqualTo("cannot read secret aws-sm:prod/db#password: no secret "
                                    + "'prod/db' in AWS Secrets Manager (ResourceNotFoundException: Secrets Manager "
                                    + "can't find the specified secret.)");
                        }));
    }
}
