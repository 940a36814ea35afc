package io.bulwark.cache.jcache.internal;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans on the platform MBean server under the names JSR-107 gives them:
 * {@code javax.cache:type=CacheStatistics|CacheConfiguration,CacheManager=<uri>,Cache=<name>}.
 */
final class Jmx {

    enum Type { CacheStatistics, CacheConfiguration }

    private Jmx() {
    }

    static void register(JCache<?, ?> cache, Type type, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, type);
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // registered meanwhile by the same cache: nothing to do
        } catch (JMException e) {
            throw new CacheException("cannot register the " + type + " MXBean of cache " + cache.getName() + ": " + e, e);
        }
    }

    static void unregister(JCache<?, ?> cache, Type type) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name(cache, type));
        } catch (InstanceNotFoundException e) {
            // not registered
        } catch (JMException e) {
            throw new CacheException("cannot unregister the " + type + " MXBean of cache " + cache.getName() + ": " + e, e);
        }
    }

    private static ObjectName name(JCache<?, ?> cache, Type type) {
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager="
                    + safe(cache.getCacheManager().getURI().toString()) + ",Cache=" + safe(cache.getName()));
        } catch (JMException e) {
            throw new CacheException(e);
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll(":|=|\n|,", ".");
    }
}
