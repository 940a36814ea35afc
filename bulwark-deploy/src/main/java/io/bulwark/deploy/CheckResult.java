package io.bulwark.deploy;

import java.util.Objects;

/**
 * The outcome of one check of {@code bulwark deploy validate}.
 *
 * @param check  what was checked, e.g. {@code promtool check rules}
 * @param status passed, failed, or skipped (the tool is not installed, or there was nothing to check)
 * @param detail the tool's complaint, why it was skipped, or what was checked
 */
public record CheckResult(String check, Status status, String detail) {

    /** How a check ended. */
    public enum Status { PASSED, FAILED, SKIPPED }

    public CheckResult {
        Objects.requireNonNull(check, "check must be set");
        Objects.requireNonNull(status, "status must be set");
        detail = detail == null ? "" : detail.strip();
    }

    static CheckResult passed(String check, String detail) {
        return new CheckResult(check, Status.PASSED, detail);
    }

    static CheckResult failed(String check, String detail) {
        return new CheckResult(check, Status.FAILED, detail);
    }

    static CheckResult skipped(String check, String detail) {
        return new CheckResult(check, Status.SKIPPED, detail);
    }
}
