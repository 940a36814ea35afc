package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a job's history as {@code GET /api/v1/jobs/{id}} shows it; times are the store's.
 *
 * @param node the node that made the transition (the claimer, the rescuer, ...)
 */
public record Transition(Instant at, String from, String to, String reason, String node, int attempt) {

    /** The reason the leader writes when it rescues a dead node's job. */
    public static String rescueReason(String deadNode, String rescuer) {
        return "node " + deadNode + " died, rescued by " + rescuer;
    }

    /** The history of a job read with its history. */
    public static List<Transition> of(JsonNode job) {
        List<Transition> out = new ArrayList<>();
        for (JsonNode h : job.get("history")) {
            out.add(new Transition(Instant.parse(h.get("at").asText()), text(h, "from"), text(h, "to"), text(h, "reason"),
                    text(h, "node"), h.get("attempt").asInt()));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** True for a rescue of a dead node's attempt, whoever the rescuer. */
    public boolean isRescueOf(String deadNode) {
        return "running".equals(from) && reason != null && reason.startsWith("node " + deadNode + " died, rescued by ");
    }

    /** True for an attempt given back by a draining worker. */
    public boolean isReleaseBy(String node) {
        return "running".equals(from) && "available".equals(to) && reason != null && reason.startsWith("released: ")
                && node.equals(this.node);
    }

    public boolean isClaim() {
        return "available".equals(from) && "running".equals(to);
    }

    /** The first claim after {@code index} in {@code history}. */
    public static Optional<Transition> nextClaim(List<Transition> history, int index) {
        return history.subList(index + 1, history.size()).stream().filter(Transition::isClaim).findFirst();
    }

    /** How long after this transition {@code later} happened. */
    public Duration until(Transition later) {
        return Duration.between(at, later.at());
    }
}
