package io.bulwark.resilience.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Smooth weighted round robin (nginx's): each pick adds every candidate's weight to its running
 * score, takes the highest and subtracts the total from it. Weights 5,1,1 give a,a,b,a,c,a,a —
 * spread out, not bursts. A short lock guards the scores: a pick touches all candidates at once,
 * and provider calls are far slower than the lock.
 */
final class WeightedSelector implements ProviderSelector {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Long> scores = new HashMap<>();

    @Override
    public Choice choose(List<Candidate> candidates, ProviderRequest request) {
        lock.lock();
        try {
            long total = 0;
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                long score = scores.getOrDefault(c.name(), 0L) + c.weight();
                scores.put(c.name(), score);
                total += c.weight();
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            scores.put(candidates.get(best).name(), bestScore - total);
            return Choice.of(best);
        } finally {
            lock.unlock();
        }
    }
}
