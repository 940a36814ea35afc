package io.bulwark.deploy.image.internal;

import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import io.bulwark.deploy.image.BaseImage;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Turns what Jib throws into one line that names what failed: the registry, the daemon, or the build. */
public final class JibFailures {

    private JibFailures() {
    }

    /** The message for {@code failure}, thrown while building on {@code base}. */
    public static String describe(Throwable failure, BaseImage base, boolean toDaemon) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t.getClass() == RuntimeException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException) {
                return "cannot reach the registry of " + base + ": unknown host " + firstLine(c) + " (no network or DNS?)";
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof SocketTimeoutException
                    || c instanceof SSLException) {
                return "cannot reach the registry of " + base + ": " + firstLine(c);
            }
            if (c instanceof RegistryUnauthorizedException) {
                return "the registry refused " + base + " (unauthorized): log in with docker login (Jib reads "
                        + "~/.docker/config.json and its credential helpers)";
            }
            if (c instanceof RegistryException) {
                return "the registry failed for " + base + ": " + firstLine(c);
            }
        }
        String message = firstLine(t);
        if (base.source() == BaseImage.Source.DOCKER_DAEMON || toDaemon) {
            boolean daemon = message.contains("docker") || message.contains("Docker");
            if (daemon) {
                return "the Docker daemon could not " + (toDaemon ? "load the image" : "save " + base.reference())
                        + ": " + message;
            }
        }
        return "the image build failed: " + t.getClass().getSimpleName() + ": " + message;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m.strip().lines().findFirst().orElse("").strip();
    }
}
