/**
 * {@code aws-sm:} secret references, read from AWS Secrets Manager through the AWS SDK v2:
 * {@link io.bulwark.secrets.aws.AwsSecretsManagerResolver}, found by {@link java.util.ServiceLoader}
 * through {@link io.bulwark.core.config.SecretResolvers}.
 */
package io.bulwark.secrets.aws;
