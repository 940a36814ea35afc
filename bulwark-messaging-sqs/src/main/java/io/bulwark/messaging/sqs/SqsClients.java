package io.bulwark.messaging.sqs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

import java.time.Duration;
import java.util.List;

/**
 * Makes the SDK's SQS client for a broker: the JDK's URLConnection HTTP client (no connection pool
 * of its own to size, and none of the Apache or Netty clients' weight in the distribution), the
 * region and credentials of the URL or else the SDK's default chains, the endpoint of the URL or
 * else AWS's for the region, and the SDK's default retries (with backoff and jitter) under a
 * timeout per try.
 */
final class SqsClients {

    private SqsClients() {
    }

    static SqsClient open(SqsUrl url, String clientName, Duration timeout, List<ExecutionInterceptor> interceptors) {
        Region region = url.region() != null ? Region.of(url.region()) : defaultRegion();
        AwsCredentialsProvider credentials = url.accessKeyId() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(url.accessKeyId(), url.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        SqsClientBuilder b = SqsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(timeout)
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, clientName)
                        .executionInterceptors(interceptors));
        if (url.endpoint() != null) {
            b.endpointOverride(url.endpoint());
        }
        return b.build();
    }

    private static Region defaultRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("url: no region: write sqs://<region>, or add ?region=<region> to an endpoint"
                    + " URL, or set AWS_REGION");
        }
    }
}
