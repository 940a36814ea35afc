package io.bulwark.cache.jcache.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheException;

/**
 * Store-by-value (JSR-107's default): keys and values are copied in and out through Java
 * serialization, so a caller changing an object after a put, or after a get, does not change the
 * cache. Immutable JDK types are not copied. Store-by-reference hands the object through.
 */
final class Copier {

    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Byte.class, Short.class,
            Character.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class, Class.class);

    private final boolean byValue;
    private final ClassLoader classLoader;

    Copier(boolean byValue, ClassLoader classLoader) {
        this.byValue = byValue;
        this.classLoader = classLoader;
    }

    <T> T copy(T object) {
        if (!byValue || object == null || IMMUTABLE.contains(object.getClass()) || object instanceof Enum<?>
                || object.getClass().getName().startsWith("java.time.")) {
            return object;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(object);
            }
            try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes.toByteArray()), classLoader)) {
                @SuppressWarnings("unchecked")
                T copy = (T) in.readObject();
                return copy;
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new CacheException("cannot copy a " + object.getClass().getName()
                    + " (store-by-value copies through serialization): " + e, e);
        }
    }

    private static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
