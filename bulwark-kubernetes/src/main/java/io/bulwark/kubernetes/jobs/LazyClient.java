package io.bulwark.kubernetes.jobs;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A client made on first use and kept. A factory that throws is asked again next time, so a
 * kubeconfig put in place after start-up is picked up; a lock, not {@code synchronized}, guards
 * the making because it may block (reading files, exec credential plugins) on a virtual thread.
 */
final class LazyClient implements Supplier<KubernetesClient> {

    private final Supplier<KubernetesClient> factory;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile KubernetesClient client;

    LazyClient(Supplier<KubernetesClient> factory) {
        this.factory = Objects.requireNonNull(factory, "client");
    }

    @Override
    public KubernetesClient get() {
        KubernetesClient c = client;
        if (c != null) {
            return c;
        }
        lock.lock();
        try {
            if (client == null) {
                client = Objects.requireNonNull(factory.get(), "the Kubernetes client supplier returned null");
            }
            return client;
        } finally {
            lock.unlock();
        }
    }
}
