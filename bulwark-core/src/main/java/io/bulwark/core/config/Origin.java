package io.bulwark.core.config;

/**
 * Where a config value came from. Sources are listed from lowest to highest precedence.
 *
 * @param source the kind of source
 * @param detail the file path, variable name or flag; empty for defaults
 */
public record Origin(Source source, String detail) {

    /** Kinds of source, lowest precedence first. */
    public enum Source { DEFAULT, PROFILE, FILE, ENV, FLAG }

    static final Origin DEFAULT = new Origin(Source.DEFAULT, "");

    @Override
    public String toString() {
        return switch (source) {
            case DEFAULT -> "default";
            case PROFILE -> "profile " + detail;
            case FILE -> "file " + detail;
            case ENV -> "env " + detail;
            case FLAG -> "flag " + detail;
        };
    }
}
