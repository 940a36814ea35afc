package io.bulwark.bench.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the nodes of a fleet run as child JVMs, all with the harness's own {@code java} and the
 * same JVM options: {@code bulwark worker} from {@code bulwark.jar}, and the peers as
 * {@link PeerNode} from this harness's class path (the bench jar, whose manifest brings its
 * libraries along). Children run in the work directory, where there is no {@code bulwark.yaml}, and
 * without the caller's {@code BULWARK_*} variables: a variable left in a shell would silently change
 * what is measured.
 */
public final class NodeLauncher {

    private final Path java;
    private final Path bulwarkJar;
    private final String classPath;
    private final Path workDir;
    private final String user;
    private final List<String> jvmArgs;
    private final List<String> workerArgs;

    /**
     * @param java the {@code java} executable
     * @param bulwarkJar {@code bulwark.jar}
     * @param classPath the class path {@link PeerNode} runs with
     * @param workDir the children's working directory: logs and the workers' data directories go here
     * @param user the database user
     * @param jvmArgs JVM options for every node (e.g. {@code -Xmx512m})
     * @param workerArgs extra {@code bulwark worker} flags (e.g. {@code --store.pool.size=4})
     */
    public NodeLauncher(Path java, Path bulwarkJar, String classPath, Path workDir, String user, List<String> jvmArgs,
                 List<String> workerArgs) {
        this.java = java;
        this.bulwarkJar = bulwarkJar;
        this.classPath = classPath;
        this.workDir = workDir;
        this.user = user;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.workerArgs = List.copyOf(workerArgs);
    }

    Path workDir() {
        return workDir;
    }

    String user() {
        return user;
    }

    /** The worker flags beyond those every worker gets, for the report. */
    List<String> workerArgs() {
        return workerArgs;
    }

    List<String> jvmArgs() {
        return jvmArgs;
    }

    /**
     * Starts {@code bulwark worker} named {@code name} on {@code url}, with a data directory and log
     * of its own, any free port for its probes, and {@code flags} (then the caller's worker flags).
     */
    public ChildNode worker(String url, String name, List<String> flags) throws IOException {
        List<String> args = new ArrayList<>(jvmArgs);
        args.addAll(List.of("-jar", bulwarkJar.toString(), "worker", "--store.url=" + url, "--store.user=" + user,
                "--data-dir", workDir.resolve(name).toString(), "--port", "0", "--log.level=WARN", "--node.name=" + name));
        args.addAll(flags);
        args.addAll(workerArgs);
        return ChildNode.start(name, builder(args), workDir.resolve(name + ".log"));
    }

    /** Starts a {@link PeerNode} with {@code peerArgs} (from {@link PeerNode#args}). */
    ChildNode peer(String name, List<String> peerArgs) throws IOException {
        List<String> args = new ArrayList<>(jvmArgs);
        args.addAll(List.of("-cp", classPath, PeerNode.class.getName()));
        args.addAll(peerArgs);
        return ChildNode.start(name, builder(args), workDir.resolve(name + ".log"));
    }

    private ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile());
        b.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
        return b;
    }
}
