package io.bulwark.kubernetes.jobs;

import java.time.Instant;

/**
 * What a {@code builtin.kubernetes-job} returns when its Kubernetes Job succeeded; it becomes
 * the Bulwark job's result (JSON).
 *
 * <pre>{@code
 * {"namespace": "reports", "name": "bulwark-0190f5c2...-a1", "startTime": "2024-05-01T10:00:02Z",
 *  "completionTime": "2024-05-01T10:03:41Z", "logs": "wrote 1234 rows\n"}
 * }</pre>
 *
 * @param namespace the Job's namespace
 * @param name the Job's name
 * @param startTime when Kubernetes started the Job, or null when it did not say
 * @param completionTime when it completed, or null when it did not say
 * @param logs the tail of the pod's {@code main} container log (at most 64 KiB), or null when it could not be read
 */
public record KubernetesJobResult(String namespace, String name, Instant startTime, Instant completionTime,
                                  String logs) {
}
