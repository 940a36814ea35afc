package io.bulwark.bench.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bulwark-bench jobs}: the end-to-end job benchmark ({@link JobsBench}). */
@Command(name = "jobs", description = {"End-to-end jobs: 100k builtin.noop jobs through a real server on the embedded store.",
        "Options: --jobs N (100000), --batch N (1000), --concurrency N (256), --warmup-jobs N (20000, 0 for a cold server), --jar PATH, --server-flag --key=value, --jvm-arg ARG, --only-single [--single-rounds N (5)] [--single-calls N (3000)]"})
public final class JobsBenchCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return JobsBench.run(args.toArray(String[]::new));
    }
}
