package io.bulwark.kubernetes.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.json.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesJobSpecTest {

    private static KubernetesJobSpec spec(String json) throws Exception {
        return Json.mapper().readValue(json, KubernetesJobSpec.class);
    }

    @Test
    void bindsFromJsonWithDefaultsForWhatIsLeftOut() throws Exception {
        KubernetesJobSpec spec = spec("""
                {"image": "busybox:1.36", "command": ["sh", "-c"], "args": ["echo hi"], "env": {"B": "2", "A": "1"},
                 "resources": {"memory": "64Mi"}, "activeDeadline": "10m", "labels": {"team": "ops"}}""");

        assertThat(spec.validate()).isEmpty();
        assertThat(spec.env().keySet()).as("order kept, for $(VAR) references").containsExactly("B", "A");
        assertThat(spec.resources().cpu()).isNull();
        assertThat(spec.activeDeadlineDuration()).contains(Duration.ofMinutes(10));
        assertThat(spec.ttlAfterFinishedDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(spec.namespace()).isNull();
    }

    @Test
    void anUnknownFieldIsRefusedByTheBinding() {
        assertThatThrownBy(() -> spec("{\"image\": \"busybox\", \"imagePullPolicy\": \"Always\"}"))
                .hasMessageContaining("imagePullPolicy");
    }

    @Test
    void everyProblemIsListedAtOnceEachStartingWithItsField() {
        Map<String, String> env = new HashMap<>();
        env.put("1BAD", "x");
        env.put("EMPTY", null);
        KubernetesJobSpec spec = new KubernetesJobSpec(" ", java.util.Arrays.asList("run", null), null, env, "Reports",
                new KubernetesJobSpec.Resources("-1", "12XB"), "Bad_Account", "500ms", "10s",
                Map.of("bulwark.io/job-id", "x"));

        List<String> problems = spec.validate();

        assertThat(problems).containsExactlyInAnyOrder(
                "image: is required",
                "command: element 1 is null",
                "env: '1BAD' is not a variable name (letters, digits, '_', '-' or '.', not starting with a digit)",
                "env: EMPTY has no value (use \"\" for an empty one)",
                "namespace: must be a DNS-1123 label (1 to 63 lower-case letters, digits or '-', starting and ending "
                        + "with a letter or digit) but was 'Reports'",
                "resources.cpu: must be > 0 but was '-1'",
                "resources.memory: '12XB' is not a Kubernetes quantity (such as 512Mi, 2Gi or 500M)",
                "serviceAccount: must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253) "
                        + "but was 'Bad_Account'",
                "activeDeadline: must be at least 1s but was '500ms'",
                "ttlAfterFinished: must be at least 1m but was '10s'",
                "labels: 'bulwark.io/job-id' is set by Bulwark and cannot be given");
    }

    @Test
    void labelsAndDurationsAreCheckedTheWayKubernetesChecksThem() {
        KubernetesJobSpec spec = new KubernetesJobSpec("busybox", null, null, null, null, null, null, "P2D", "100000d",
                Map.of("example.com/tier", "", "-bad", "x", "ok", "no spaces allowed"));

        assertThat(spec.validate()).containsExactlyInAnyOrder(
                "ttlAfterFinished: must be less than 2147483647s but was '100000d'",
                "labels: '-bad' is not a label key (an optional DNS subdomain prefix and '/', then 1 to 63 letters, "
                        + "digits, '-', '_' or '.', starting and ending with a letter or digit)",
                "labels: the value of 'ok' must be at most 63 letters, digits, '-', '_' or '.', starting and ending "
                        + "with a letter or digit, but was 'no spaces allowed'");
        assertThat(spec.activeDeadlineDuration()).contains(Duration.ofDays(2));
    }

    @Test
    void anImageWithWhitespaceIsRefused() {
        assertThat(KubernetesJobSpec.of("busybox latest").validate())
                .containsExactly("image: must not contain whitespace but was 'busybox latest'");
    }
}
