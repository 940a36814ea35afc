package io.bulwark.bench.fleet;

/**
 * One failover run: two workers, one killed with SIGKILL while both ran jobs. Times are
 * milliseconds after the kill by the database's clock, which also stamps the job history.
 *
 * @param run 1-based
 * @param victimRole "leader" or "follower": what the killed node was at the kill
 * @param victimNode the killed node's id
 * @param jobsHeld jobs it was running when killed (claimed, never finished by it); none is lost: all are rescued
 * @param killWallMs the kill, epoch ms by the harness's clock (just before the signal)
 * @param killDbMs the kill, epoch ms by the database's clock (just after the signal)
 * @param heartbeatAgeMs how old the killed node's last heartbeat was at the kill
 * @param newLeaderMs when the survivor became leader, if the leader was killed; else -1
 * @param declaredMs the first rescue of its jobs (the leader's declaration, or an expired lease)
 * @param lastRescueMs the last rescue of its jobs
 * @param lastRunningMs the last of its jobs running again on the other node
 * @param cause the first rescue's reason: node declared dead, or lease expired
 */
record FailoverResult(int run, String victimRole, String victimNode, int jobsHeld, long killWallMs, long killDbMs,
                      long heartbeatAgeMs, long newLeaderMs, long declaredMs, long lastRescueMs, long lastRunningMs,
                      String cause) {
}
