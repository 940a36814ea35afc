package io.bulwark.kubernetes.rollout;

import io.bulwark.deploy.rollout.settings.DriverSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.regex.Pattern;

/** Checks of Kubernetes names and labels in driver settings, with errors naming the setting. */
final class Names {

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private Names() {
    }

    /** {@code driver.namespace}, or the client's namespace, or {@code default}. */
    static String namespace(DriverSettings s, KubernetesClient client) {
        String ns = s.optionalString("namespace").orElseGet(() -> client.getNamespace() == null ? "default" : client.getNamespace());
        return name(ns, "namespace");
    }

    static String name(DriverSettings s, String setting) {
        return name(s.requireString(setting), setting);
    }

    static String name(String value, String setting) {
        if (!DNS_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("driver." + setting
                    + " must be a Kubernetes name (lower-case letters, digits, - and .) but was " + value);
        }
        return value;
    }

    static String labelValue(DriverSettings s, String setting) {
        String value = s.requireString(setting);
        if (!LABEL_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("driver." + setting
                    + " must be a label value (up to 63 letters, digits, - _ . ; alphanumeric at both ends) but was " + value);
        }
        return value;
    }

    static String labelKey(String value, String setting) {
        if (!LABEL_KEY.matcher(value).matches()) {
            throw new IllegalArgumentException("driver." + setting
                    + " must be a label key such as app.kubernetes.io/version but was " + value);
        }
        return value;
    }
}
