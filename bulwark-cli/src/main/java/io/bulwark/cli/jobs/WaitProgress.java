package io.bulwark.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What {@code bulwark jobs wait} prints while it waits, on stderr: the job's state (on a terminal
 * one line redrawn in place with the time waited; otherwise a plain line per change, so logs and
 * pipes get no carriage returns), and a line for each failed attempt with its error and when the
 * next attempt runs. Failures are read from the job's history, so one that came and went between
 * two polls (or before the first) is reported too.
 */
final class WaitProgress {

    private final PrintWriter err;
    private final String id;
    private final boolean terminal;
    private String lastLine;
    private int reportedFailure;
    private boolean lineOpen;

    WaitProgress(PrintWriter err, String id, boolean terminal) {
        this.err = err;
        this.id = id;
        this.terminal = terminal;
    }

    /** Shows the job as just read, {@code waited} after the wait began. */
    void show(JsonNode job, Duration waited) {
        String state = job.path("state").asText();
        int attempt = job.path("attempt").asInt();
        int max = job.path("maxAttempts").asInt();
        String error = job.path("lastError").isTextual() ? job.path("lastError").asText() : null;
        int lastFailed = 0;
        for (JsonNode t : job.path("history")) {
            if (failed(t)) {
                lastFailed = Math.max(lastFailed, t.path("attempt").asInt());
            }
        }
        for (JsonNode t : job.path("history")) {
            int a = t.path("attempt").asInt();
            if (failed(t) && a > reportedFailure) {
                // The job keeps only its last error; an earlier failure is told by its history's reason.
                boolean last = a == lastFailed;
                boolean waiting = last && state.equals("retryable");
                failure(a, max, last && error != null ? error : t.path("reason").asText(),
                        waiting ? job.path("runAt").asText(null) : null);
            }
        }
        String status = id + "  " + state + "  attempt " + attempt + "/" + max;
        if (terminal) {
            String line = status + "  " + waited.toSeconds() + "s";
            if (!line.equals(lastLine)) {
                err.print("\r" + line);
                err.flush();
                lineOpen = true;
                lastLine = line;
            }
        } else if (!status.equals(lastLine)) {
            err.println(status);
            err.flush();
            lastLine = status;
        }
    }

    private static boolean failed(JsonNode transition) {
        String to = transition.path("to").asText();
        return transition.path("from").asText().equals("running") && (to.equals("retryable") || to.equals("dead"));
    }

    /** Ends the in-place line, if one is open. */
    void end() {
        if (lineOpen) {
            err.println();
            err.flush();
            lineOpen = false;
        }
    }

    private void failure(int attempt, int max, String error, String nextRunAt) {
        reportedFailure = attempt;
        end();
        String next;
        if (nextRunAt == null) {
            next = attempt >= max ? "; no attempts left" : "";
        } else {
            next = "; attempt " + (attempt + 1) + " runs at " + nextRunAt + in(nextRunAt);
        }
        err.println(id + "  attempt " + attempt + " of " + max + " failed: " + error + next);
        err.flush();
        lastLine = null;
    }

    private static String in(String at) {
        try {
            Duration d = Duration.between(Instant.now(), Instant.parse(at));
            return d.isNegative() ? "" : " (in " + (d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() + "s") + ")";
        } catch (DateTimeParseException e) {
            return "";
        }
    }
}
