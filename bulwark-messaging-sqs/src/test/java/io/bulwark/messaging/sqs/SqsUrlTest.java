package io.bulwark.messaging.sqs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqsUrlTest {

    @Test
    void aRegionAloneMeansAwssOwnEndpoint() {
        SqsUrl u = SqsUrl.parse("sqs://eu-west-1");
        assertThat(u.endpoint()).isNull();
        assertThat(u.region()).isEqualTo("eu-west-1");
        assertThat(u.accessKeyId()).isNull();
        assertThat(u.toString()).isEqualTo("sqs://eu-west-1");
    }

    @ParameterizedTest
    @CsvSource({
            "https://sqs.eu-west-1.amazonaws.com, https://sqs.eu-west-1.amazonaws.com, eu-west-1",
            "https://sqs.us-gov-west-1.amazonaws.com/, https://sqs.us-gov-west-1.amazonaws.com, us-gov-west-1",
            "https://sqs-fips.us-east-1.amazonaws.com, https://sqs-fips.us-east-1.amazonaws.com, us-east-1",
            "https://sqs.cn-north-1.amazonaws.com.cn, https://sqs.cn-north-1.amazonaws.com.cn, cn-north-1",
            "http://127.0.0.1:9324?region=elasticmq, http://127.0.0.1:9324, elasticmq",
            "https://vpce-1a2b.sqs.eu-west-1.vpce.amazonaws.com?region=eu-west-1, https://vpce-1a2b.sqs.eu-west-1.vpce.amazonaws.com, eu-west-1",
            "HTTPS://sqs.eu-west-1.amazonaws.com?region=eu-central-1, https://sqs.eu-west-1.amazonaws.com, eu-central-1",
    })
    void anEndpointWithItsRegionFromTheParameterOrAnAwsHostName(String url, String endpoint, String region) {
        SqsUrl u = SqsUrl.parse(url);
        assertThat(u.endpoint()).isEqualTo(URI.create(endpoint));
        assertThat(u.region()).isEqualTo(region);
    }

    @Test
    void anEndpointOfOurOwnWithoutARegionLeavesItToTheSdksChain() {
        SqsUrl u = SqsUrl.parse("http://localhost:4566");
        assertThat(u.endpoint()).isEqualTo(URI.create("http://localhost:4566"));
        assertThat(u.region()).isNull();
    }

    @Test
    void readsCredentialsPercentDecodedAndNeverShowsThem() {
        SqsUrl u = SqsUrl.parse("https://AKIAEXAMPLE:wJal%2FrXUt%2BnFEMI%3AK7MDENG@sqs.eu-west-1.amazonaws.com");
        assertThat(u.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(u.secretAccessKey()).isEqualTo("wJal/rXUt+nFEMI:K7MDENG");
        assertThat(u.toString()).isEqualTo("https://***@sqs.eu-west-1.amazonaws.com?region=eu-west-1")
                .doesNotContain("AKIA").doesNotContain("wJal");
        assertThat(SqsUrl.parse("sqs://AKIAEXAMPLE:s3cret@eu-west-1").toString()).isEqualTo("sqs://***@eu-west-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "amqp://k:s3cret@host/                     | url must start with sqs://, https:// or http://, as in sqs://eu-west-1, https://sqs.eu-west-1.amazonaws.com or http://127.0.0.1:9324?region=elasticmq, but starts with amqp://",
            "sqs.eu-west-1.amazonaws.com               | url must start with sqs://, https:// or http://",
            "https://k:s3cret@host:99999               | url: the port must be from 1 to 65535 but was 99999",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/orders | url: give the endpoint, not a queue's URL",
            "http://127.0.0.1:9324?queue=orders        | url: the parameter 'queue' is not read (only region is)",
            "http://127.0.0.1:9324?region=eu west      | url is not a URL like",
            "http://127.0.0.1:9324?region=eu_west      | url: the region must be 1-64 letters, digits or '-', as in eu-west-1, but was 'eu_west'",
            "http://127.0.0.1:9324?region=a&region=b   | url: region is given twice",
            "sqs://eu-west-1:443                       | url: sqs://<region> names a region, which has no port",
            "sqs://eu-west-1?region=eu-west-2          | url: sqs://<region> names its region already",
            "https://AKIAEXAMPLE@sqs.eu-west-1.amazonaws.com | url: credentials are ACCESS_KEY_ID:SECRET_ACCESS_KEY@ before the host, both set",
            "https://:s3cret@sqs.eu-west-1.amazonaws.com | url: credentials are ACCESS_KEY_ID:SECRET_ACCESS_KEY@ before the host, both set (or leave both out for the SDK's default chain), but the access key id is empty",
            "https://k:s3%zzcret@sqs.eu-west-1.amazonaws.com | url is not a URL like",
            "https://                                  | url is not a URL like",
    })
    void badUrlsAreRefusedNamingTheUrlAndNeverQuotingTheSecret(String url, String message) {
        assertThatThrownBy(() -> SqsUrl.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message).message().doesNotContain("s3cret").doesNotContain("s3%zzcret");
    }

    @Test
    void aMissingUrlSaysWhatOneLooksLike() {
        assertThatThrownBy(() -> SqsUrl.parse(" ")).hasMessage("url must be set, as in " + SqsUrl.SHAPES);
        assertThatThrownBy(() -> SqsUrl.parse(null)).hasMessage("url must be set, as in " + SqsUrl.SHAPES);
    }
}
