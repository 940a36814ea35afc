package io.bulwark.cache.jcache.internal;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/** The JSR-107 configuration MXBean of one cache. */
final class JConfigurationBean implements CacheMXBean {

    private final JCache<?, ?> cache;

    JConfigurationBean(JCache<?, ?> cache) {
        this.cache = cache;
    }

    private CompleteConfiguration<?, ?> config() {
        return cache.configuration();
    }

    @Override
    public String getKeyType() {
        return config().getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return config().getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return config().isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return config().isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return config().isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return config().isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return config().isManagementEnabled();
    }
}
