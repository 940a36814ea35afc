package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.deploy.internal.KubernetesSchemas;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes JSON schemas as loaded: strict (unknown fields refused at any depth), with
 * int-or-string and Quantity as loose as the API server, and nothing said about kinds they lack.
 */
class KubernetesSchemasTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final KubernetesSchemas schemas = KubernetesSchemas.bundled();

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void intOrStringTakesBothAndAQuantityTakesANumberButAnAnnotationMustBeText() throws Exception {
        JsonNode d = yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, annotations: {prometheus.io/port: 9090}}
                spec:
                  selector: {matchLabels: {a: b}}
                  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: '25%'}}
                  template:
                    spec:
                      containers:
                        - {name: c, resources: {requests: {cpu: 1, memory: 2Gi}}, ports: [{containerPort: '80'}]}
                """);

        assertThat(schemas.validate(d)).containsExactlyInAnyOrder(
                "metadata.annotations.prometheus.io/port: integer found, string expected",
                "spec.template.spec.containers[0].ports[0].containerPort: string found, integer expected");
    }

    @Test
    void unknownFieldsAreRefusedDeepDownAndMapsOfLabelsStayOpen() throws Exception {
        JsonNode d = yaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: x, labels: {any.example.com/key: v}}
                spec: {ports: [{port: 80, targetPort: http, protocl: TCP}], selectr: {a: b}}
                """);

        assertThat(schemas.validate(d)).containsExactlyInAnyOrder(
                "spec.ports[0].protocl: property 'protocl' is not defined in the schema and the schema does not allow "
                        + "additional properties",
                "spec.selectr: property 'selectr' is not defined in the schema and the schema does not allow additional "
                        + "properties");
    }

    @Test
    void kindsWithoutADefinitionAreNotJudged() throws Exception {
        assertThat(schemas.knows("keda.sh/v1alpha1", "ScaledObject")).isFalse();
        assertThat(schemas.knows("networking.istio.io/v1beta1", "VirtualService")).isFalse();
        assertThat(schemas.validate(yaml("{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, spec: {anything: 1}}"))).isEmpty();
        assertThat(schemas.knows("autoscaling/v2", "HorizontalPodAutoscaler")).isTrue();
        assertThat(schemas.knows("autoscaling/v1", "HorizontalPodAutoscaler")).as("only the versions we write").isFalse();
        assertThat(schemas.version()).isEqualTo("v1.35.0");
    }
}
