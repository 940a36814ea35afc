package io.bulwark.bench.jobsdb;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the database alone can do for the job life cycle, measured with {@code pgbench} on Bulwark's
 * own {@code bulwark_jobs} table (same columns and indexes), in two shapes:
 * <ul>
 *   <li>{@link #PER_JOB}: per job, one transaction that inserts the row as an enqueue does, updates
 *       it to running as a claim does, then to completed as an outcome does (the ceiling);</li>
 *   <li>{@link #BATCHED}: what a batching job system writes, with nothing else: {@value #BATCH} rows
 *       inserted in one transaction, {@value #BATCH} claimed with {@code FOR UPDATE SKIP LOCKED}
 *       through the claim index in a second, and completed in a third (three commits per
 *       {@value #BATCH} jobs, as Bulwark's enqueue, claim and outcome flush are).</li>
 * </ul>
 * Bulwark's history rows and its reads are in neither: they are Bulwark's own cost.
 */
final class PgbenchCeiling {

    /** One job's writes; {@code \gset} carries the new id to the updates (extended protocol binds it as a uuid). */
    static final String SCRIPT = """
            \\set now random(1700000000000, 1800000000000)
            \\set sort :now + 150000
            \\set lease :now + 30000
            BEGIN;
            INSERT INTO bulwark_jobs (id, queue, type, payload, priority, state, run_at, sort_key, attempt, max_attempts, \
            backoff_base_ms, backoff_factor, backoff_cap_ms, timeout_ms, idempotency_key, tags, created_at) \
            VALUES (gen_random_uuid(), 'bench', 'noop', '{}', 5, 'available', :now::bigint, :sort::bigint, 0, 25, 1000, 2.0, \
            3600000, 300000, NULL, '[]', :now::bigint) RETURNING id AS job_id \\gset
            UPDATE bulwark_jobs SET state = 'running', attempt = attempt + 1, token = token + 1, started_at = :now::bigint, \
            lease_until = :lease::bigint, node = 'node-1', cancel_requested = FALSE WHERE id = :job_id;
            UPDATE bulwark_jobs SET state = 'completed', result = NULL, finished_at = :now::bigint, lease_until = NULL \
            WHERE id = :job_id AND state = 'running' AND token = 1;
            END;
            """;

    /** Jobs per transaction of {@link #BATCHED}. */
    static final int BATCH = 100;

    /** Enqueue, claim and complete {@value #BATCH} jobs, each its own (auto-committed) transaction. */
    static final String BATCHED = """
            \\set tag random(1000000000000000, 9000000000000000)
            INSERT INTO bulwark_jobs (id, queue, type, payload, priority, state, run_at, sort_key, attempt, max_attempts, \
            backoff_base_ms, backoff_factor, backoff_cap_ms, timeout_ms, idempotency_key, tags, created_at) \
            SELECT gen_random_uuid(), 'bench', 'noop', '{}', 5, 'available', 1700000000000, 1700000150000 + g, 0, 25, 1000, 2.0, \
            3600000, 300000, NULL, '[]', 1700000000000 FROM generate_series(1, 100) g;
            UPDATE bulwark_jobs SET state = 'running', attempt = attempt + 1, token = token + 1, started_at = 1700000000000, \
            lease_until = :tag::bigint, node = 'node-1', cancel_requested = FALSE WHERE id IN (SELECT id FROM bulwark_jobs \
            WHERE queue = 'bench' AND state = 'available' ORDER BY sort_key, id LIMIT 100 FOR UPDATE SKIP LOCKED);
            UPDATE bulwark_jobs SET state = 'completed', result = NULL, finished_at = 1700000000000, lease_until = NULL \
            WHERE state = 'running' AND lease_until = :tag::bigint;
            """;

    /** A pgbench script and how many jobs one of its transactions (script runs) carries. */
    record Script(String name, String text, int jobsPerRun) {
    }

    static final Script PER_JOB_SCRIPT = new Script("per job: insert + update to running + update to completed in one "
            + "transaction", SCRIPT, 1);
    static final Script BATCHED_SCRIPT = new Script("batched: insert 100, claim 100 (SKIP LOCKED), complete 100, three "
            + "transactions", BATCHED, BATCH);

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\((?:without initial connection time|excluding connections establishing)\\)");

    private PgbenchCeiling() {
    }

    /** {@code pgbench} on the PATH or where Debian's postgresql-client puts it. */
    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                candidates.add(Path.of(dir, "pgbench"));
            }
        }
        candidates.add(Path.of("/usr/bin/pgbench"));
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted().forEach(v -> candidates.add(v.resolve("bin/pgbench")));
        } catch (IOException e) {
            // no Debian layout
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs {@code s} on {@code schema} (Bulwark's tables already there); jobs per second. */
    static double run(Path pgbench, Script s, BenchDatabase.Schema schema, String user, int clients, int seconds) throws Exception {
        Path script = Files.createTempFile("bulwark-pgbench", ".sql");
        try {
            Files.writeString(script, s.text(), StandardCharsets.UTF_8);
            URI u = URI.create(schema.db().baseUrl().substring("jdbc:".length()));
            String db = u.getPath().substring(1);
            ProcessBuilder pb = new ProcessBuilder(pgbench.toString(), "-n", "-M", "prepared", "-f", script.toString(),
                    "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds),
                    "-h", u.getHost(), "-p", Integer.toString(u.getPort() < 0 ? 5432 : u.getPort()), "-U", user, db)
                    .redirectErrorStream(true);
            pb.environment().put("PGOPTIONS", "-c search_path=" + schema.name());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pgbench failed (exit " + (p.isAlive() ? "none" : p.exitValue()) + "): " + out);
            }
            return tps(out) * s.jobsPerRun();
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The transactions per second pgbench printed; one transaction is one job. */
    static double tps(String output) {
        Matcher m = TPS.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no tps line in pgbench's output: " + output);
        }
        return Double.parseDouble(m.group(1));
    }
}
