package io.bulwark.bench.http;

import io.bulwark.bench.CpuTicks;

import java.util.Optional;
import java.util.OptionalLong;

/** Measures a {@link CpuShare} from {@link #start} to {@link #stop}; yields nothing off Linux. */
public final class CpuMeter {

    private final long serverPid;
    private final long harnessPid = ProcessHandle.current().pid();
    private final Optional<CpuTicks> machine;
    private final OptionalLong server;
    private final OptionalLong harness;

    private CpuMeter(long serverPid) {
        this.serverPid = serverPid;
        this.machine = CpuTicks.machine();
        this.server = CpuTicks.process(serverPid);
        this.harness = CpuTicks.process(harnessPid);
    }

    /** Reads the counters now; {@link #stop} measures from here. */
    public static CpuMeter start(long serverPid) {
        return new CpuMeter(serverPid);
    }

    /** The split of the CPU since {@link #start}, or empty when a counter could not be read (not Linux, process gone). */
    public Optional<CpuShare> stop() {
        Optional<CpuTicks> machineNow = CpuTicks.machine();
        OptionalLong serverNow = CpuTicks.process(serverPid);
        OptionalLong harnessNow = CpuTicks.process(harnessPid);
        if (machine.isEmpty() || machineNow.isEmpty() || server.isEmpty() || serverNow.isEmpty()
                || harness.isEmpty() || harnessNow.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(share(machine.get(), machineNow.get(), serverNow.getAsLong() - server.getAsLong(),
                harnessNow.getAsLong() - harness.getAsLong()));
    }

    /** The split of the machine's busy ticks between the two processes and everything else. */
    static CpuShare share(CpuTicks before, CpuTicks after, long serverTicks, long harnessTicks) {
        long total = after.total() - before.total();
        if (total <= 0) {
            return new CpuShare(0, 0, 0);
        }
        // total counts every CPU's ticks, so ticks * cpus / total is "cores busy on average".
        double perCore = (double) after.cpus() / total;
        double busy = (after.busy() - before.busy()) * perCore;
        double serverCores = serverTicks * perCore;
        double harnessCores = harnessTicks * perCore;
        return new CpuShare(serverCores, harnessCores, Math.max(0, busy - serverCores - harnessCores));
    }
}
