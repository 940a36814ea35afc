package io.bulwark.providers;

import io.bulwark.providers.degradation.DegradationConfig;
import io.bulwark.providers.queue.QueueConfig;

import java.util.List;

/**
 * A provider group's settings, checked and resolved from a {@link GroupSpec}.
 *
 * @param fallbackChain every provider of the group, in the order they are tried after the chosen one
 * @param queue its request queue's settings
 * @param spec the document they came from, as it is shown and stored
 */
public record GroupSettings(String name, String strategy, List<ProviderSettings> providers,
                            List<String> fallbackChain, DegradationConfig degradation, QueueConfig queue,
                            GroupSpec spec) {
}
