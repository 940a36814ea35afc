package io.bulwark.jdbc.sqlite;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A child process for {@link DurabilityTest}: enqueues single jobs from several threads and prints
 * {@code acked <id>} after each enqueue returns, until it is killed.
 * Arguments: data directory, durability.
 */
public final class EnqueueUntilKilled {

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        SqliteJobStore store = SqliteJobStore.open(dir, InstantSource.system(),
                SqliteOptions.builder().durability(durability).build());
        Uuid7 ids = new Uuid7(InstantSource.system(), new SplittableRandom());
        PrintStream out = System.out;
        for (int t = 0; t < 4; t++) {
            Thread.ofPlatform().start(() -> {
                while (true) {
                    UUID id = ids.next();
                    store.enqueue(List.of(new NewJob(id, "q", "t", "{}", 5, null, 3, Backoff.DEFAULT,
                            Duration.ofMinutes(1), null, Set.of())));
                    synchronized (out) {
                        out.println("acked " + id);
                        out.flush();
                    }
                }
            });
        }
    }

    private EnqueueUntilKilled() {
    }
}
