package io.bulwark.kubernetes.jobs;

import io.bulwark.jobs.JobFailure;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;

/** Turns fabric8's exceptions into failures that say what was tried, where, and what the API said. */
final class ApiFailures {

    static final String NO_CLUSTER_HINT = "(set up ~/.kube/config or run in a pod with a service account)";

    private ApiFailures() {
    }

    /** The one sentence for a client that cannot be made or a cluster that does not answer. */
    static String noCluster(String cause) {
        return "no Kubernetes cluster reachable: " + cause + " " + NO_CLUSTER_HINT;
    }

    /** {@code cause}'s innermost exception in words: "ConnectException: Connection refused". */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String type = root.getClass().getSimpleName();
        return root.getMessage() == null || root.getMessage().isBlank() ? type : type + ": " + root.getMessage();
    }

    /**
     * The I/O failure behind a call that got no HTTP answer at all (refused, unknown host, TLS,
     * timeout: fabric8 reports code 0 or -1), or null when the API server answered.
     */
    static IOException unreachable(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return null;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** True when the call ended because the thread was interrupted. */
    static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** What the API server said: its Status message, else fabric8's. */
    static String apiMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
            return e.getStatus().getMessage();
        }
        return e.getMessage();
    }

    /**
     * Whether a failed create can never succeed on retry: the spec is invalid (400, 422), the
     * namespace does not exist (404), or the service account may not create Jobs there (403). A
     * 403 for an exceeded ResourceQuota is the exception: the quota frees up as other work ends.
     */
    static boolean permanentOnCreate(KubernetesClientException e) {
        return switch (e.getCode()) {
            case 400, 404, 422 -> true;
            case 403 -> !apiMessage(e).contains("exceeded quota");
            default -> false;
        };
    }

    /**
     * The failure for API call {@code operation} ("create Job x") in {@code namespace}: the
     * "no cluster" sentence when nothing answered, else the HTTP code and the API's message;
     * a {@link JobFailure#permanent} when {@code permanent}, else a retryable exception.
     */
    static Exception of(String operation, String namespace, String masterUrl, KubernetesClientException e,
                        boolean permanent) {
        IOException io = unreachable(e);
        if (io != null) {
            String cause = io.getMessage() == null || io.getMessage().isBlank() ? describe(io) : io.getMessage();
            return new IOException(noCluster(operation + " at " + masterUrl + " failed: " + cause), e);
        }
        String message = "kubernetes job: " + operation + " in namespace " + namespace + " failed: HTTP " + e.getCode()
                + ": " + apiMessage(e);
        return permanent
                ? JobFailure.permanent(message + "; not retried, since a retry cannot help", e)
                : new IOException(message, e);
    }
}
