package io.bulwark.secrets.aws;

import io.bulwark.core.config.Secret;
import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolvers;
import io.bulwark.core.config.ValueTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The resolver as {@code bulwark serve} gets it: found by ServiceLoader, with region,
 * credentials and endpoint from the SDK's default chains. The chains read system properties
 * before the environment ({@code aws.region}, {@code aws.accessKeyId}, {@code aws.endpointUrlSecretsManager}
 * stand for {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}),
 * which a test can set. The pom turns off the EC2 metadata lookups and points the profile files
 * nowhere, so nothing leaves loopback and the machine's own AWS setup plays no part.
 */
class AwsDefaultChainTest {

    private static final String ACCESS_KEY = "AKIDDEFAULTCHAIN";
    private static final List<String> PROPERTIES = List.of("aws.region", "aws.accessKeyId", "aws.secretAccessKey",
            "aws.endpointUrlSecretsManager");

    /** One service for the class: the process-wide resolver makes its client once, on its first read. */
    private static FakeSecretsManager service;

    @BeforeAll
    static void start() throws Exception {
        service = FakeSecretsManager.start(ACCESS_KEY).put("prod/llm", "{\"api_key\":\"sk-default-chain-0001\"}");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void pointTheSdkAtTheLocalService() {
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_PROFILE") == null,
                "AWS credentials are set in this environment");
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.endpointUrlSecretsManager", service.endpoint());
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", "default-chain-secret-key");
    }

    @AfterEach
    void clear() {
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void theConfigPathResolvesAwsSmThroughTheResolverOnTheClassPath() {
        assertThat(SecretResolvers.defaults().schemes()).contains("aws-sm");

        Secret secret = ValueTypes.secret().convert("aws-sm:prod/llm#api_key");

        assertThat(secret.reveal()).isEqualTo("sk-default-chain-0001");
        assertThat(secret.isDynamic()).isTrue();
        assertThat(service.requests()).last().satisfies(r ->
                assertThat(r.authorization()).contains("Credential=" + ACCESS_KEY + "/"));
    }

    @Test
    void noCredentialsSaysWhereTheyCanComeFrom() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");

        assertThatThrownBy(() -> new AwsSecretsManagerResolver().resolve("prod/llm#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessage("no AWS credentials for GetSecretValue of 'prod/llm': the SDK's default chain found none; "
                        + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role "
                        + "(instance profile, ECS task role, EKS pod identity)");
    }

    @Test
    void noRegionSaysHowToSetOne() {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "a region is set in this environment");
        System.clearProperty("aws.region");

        assertThatThrownBy(() -> new AwsSecretsManagerResolver().resolve("prod/llm#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessage("no AWS region for GetSecretValue of 'prod/llm': set AWS_REGION, or a region in the AWS profile");
    }
}
