package io.bulwark.secrets.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolver;
import io.bulwark.core.json.Json;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Reads {@code aws-sm:<secret-id>} (the whole {@code SecretString}) and
 * {@code aws-sm:<secret-id>#<key>} (one field of a JSON {@code SecretString}) references from AWS
 * Secrets Manager, version stage {@code AWSCURRENT}. The secret id is a name
 * ({@code prod/llm}) or an ARN.
 *
 * <p>Region, credentials and endpoint come from the SDK's default chains, as for any AWS tool:
 * {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE},
 * an instance, task or pod role; {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL}
 * for another endpoint (a VPC endpoint, a local emulator). The client, with the SDK's URLConnection
 * HTTP client, is made on the first read, not before.
 *
 * <pre>{@code
 * SecretResolver sm = new AwsSecretsManagerResolver(SecretsManagerClient.builder()
 *         .region(Region.EU_WEST_1).httpClientBuilder(UrlConnectionHttpClient.builder()).build());
 * String apiKey = sm.resolve("prod/llm#api_key");
 * }</pre>
 */
public final class AwsSecretsManagerResolver implements SecretResolver {

    /** The scheme this resolver reads. */
    public static final String SCHEME = "aws-sm";
    /** The version stage read: the current version. */
    public static final String VERSION_STAGE = "AWSCURRENT";

    private static final String SYNTAX = "aws-sm:<secret-id> or aws-sm:<secret-id>#<json key>, e.g. aws-sm:prod/llm#api_key";

    private final Supplier<SecretsManagerClient> newClient;
    private final ReentrantLock clientLock = new ReentrantLock();
    private SecretsManagerClient client;

    /** Region, credentials and endpoint from the SDK's default chains; for {@link java.util.ServiceLoader}. */
    public AwsSecretsManagerResolver() {
        this(() -> SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(20)))
                .build());
    }

    /** Reads through {@code client}, which the caller configured and closes. */
    public AwsSecretsManagerResolver(SecretsManagerClient client) {
        this(constant(Objects.requireNonNull(client, "client")));
    }

    private AwsSecretsManagerResolver(Supplier<SecretsManagerClient> newClient) {
        this.newClient = newClient;
    }

    private static Supplier<SecretsManagerClient> constant(SecretsManagerClient client) {
        return () -> client;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String resolve(String location) {
        int hash = location.indexOf('#');
        String id = hash < 0 ? location : location.substring(0, hash);
        String key = hash < 0 ? null : location.substring(hash + 1);
        if (id.isBlank() || (key != null && key.isEmpty())) {
            throw new IllegalArgumentException("an aws-sm reference is " + SYNTAX + ", but was 'aws-sm:" + location + "'");
        }
        GetSecretValueResponse response;
        try {
            response = client().getSecretValue(GetSecretValueRequest.builder()
                    .secretId(id).versionStage(VERSION_STAGE).build());
        } catch (ResourceNotFoundException e) {
            throw new SecretResolutionException("no secret '" + id + "' in AWS Secrets Manager"
                    + " (ResourceNotFoundException: " + errorMessage(e) + ")");
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new SecretResolutionException("AWS Secrets Manager answered " + e.statusCode()
                    + (code == null ? "" : " " + code) + " to GetSecretValue for '" + id + "': " + errorMessage(e));
        } catch (SdkClientException e) {
            throw new SecretResolutionException(clientProblem(e, id));
        } catch (SdkException e) {
            throw new SecretResolutionException("GetSecretValue for '" + id + "' failed with " + e.getClass().getName());
        }
        String text = response.secretString();
        if (text == null) {
            throw new SecretResolutionException("secret '" + id + "' has no SecretString"
                    + (response.secretBinary() != null ? " (it holds SecretBinary, which is not supported)" : ""));
        }
        return key == null ? text : field(id, text, key);
    }

    /** One field of a JSON SecretString. Nothing of the text is quoted in a message: it is the secret. */
    private static String field(String id, String text, String key) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new SecretResolutionException("secret '" + id + "' is not a JSON object, so it has no key '" + key
                    + "'; name the secret without #" + key + " to use its whole SecretString");
        }
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            throw new SecretResolutionException("secret '" + id + "' has no JSON key '" + key + "' (its keys: "
                    + (keys.isEmpty() ? "none" : String.join(", ", keys.stream().sorted().toList())) + ")");
        }
        if (value.isContainerNode()) {
            throw new SecretResolutionException("key '" + key + "' of secret '" + id + "' holds a JSON "
                    + (value.isObject() ? "object" : "array") + ", not a string");
        }
        return value.asText();
    }

    /** The service's own message: it describes the refusal, not the secret. */
    private static String errorMessage(AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return message == null ? "no message" : message;
    }

    private static String clientProblem(SdkClientException e, String id) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith("Unable to load credentials")) {
            return "no AWS credentials for GetSecretValue of '" + id + "': the SDK's default chain found none; set "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role "
                    + "(instance profile, ECS task role, EKS pod identity)";
        }
        if (message.startsWith("Unable to load region")) {
            return "no AWS region for GetSecretValue of '" + id + "': set AWS_REGION, or a region in the AWS profile";
        }
        // The SDK's client-side messages describe the connection or the request, not the answer's body.
        return "cannot call AWS Secrets Manager for '" + id + "': "
                + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    private SecretsManagerClient client() {
        clientLock.lock();
        try {
            if (client == null) {
                client = newClient.get(); // an SdkClientException (e.g. no region) leaves it unmade, to try again
            }
            return client;
        } finally {
            clientLock.unlock();
        }
    }
}
