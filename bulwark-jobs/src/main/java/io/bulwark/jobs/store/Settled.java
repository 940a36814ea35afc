package io.bulwark.jobs.store;

import java.util.List;

/**
 * What {@link JobStore#completeAndClaim} did.
 *
 * @param applied for each outcome, in order, whether it was applied (false when its token was stale)
 * @param claims the jobs claimed, now running with their leases
 */
public record Settled(List<Boolean> applied, List<Claim> claims) {

    public Settled {
        applied = List.copyOf(applied);
        claims = List.copyOf(claims);
    }
}
