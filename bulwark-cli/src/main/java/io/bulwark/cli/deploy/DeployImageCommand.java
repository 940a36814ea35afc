package io.bulwark.cli.deploy;

import io.bulwark.cli.commands.BulwarkCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.ProgressBar;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.deploy.image.BaseImage;
import io.bulwark.deploy.image.Distribution;
import io.bulwark.deploy.image.ImageBuild;
import io.bulwark.deploy.image.ImageBuildException;
import io.bulwark.deploy.image.ImageBuildListener;
import io.bulwark.deploy.image.ImageResult;
import io.bulwark.deploy.image.ImageSettings;
import io.bulwark.deploy.image.ImageTarget;
import io.bulwark.server.ServerKeys;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/** {@code bulwark deploy image}: the container image of this distribution, built with Jib into a tarball or the daemon. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Build the container image of this Bulwark distribution with Jib, without a Docker daemon: "
                + "the base's layers, then the third-party jars, the launcher and Bulwark's own jars in layers of their "
                + "own; user 10001, entrypoint bulwark, command serve on server.port, heap at 70% of the memory limit.",
                "Written to --out as a tarball for 'docker load' (into a temporary file first, moved into place at the "
                        + "end), or with --to-daemon loaded into the local Docker daemon.",
                "Exit 2 for bad input (an option, a base tarball that cannot be read, an output that cannot be written), "
                        + "1 when the build fails (a registry or daemon that cannot be reached)."})
final class DeployImageCommand implements Runnable {

    @Mixin
    ConfigOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    /** Either a tarball or the daemon. */
    static final class Destination {
        @Option(names = "--out", paramLabel = "FILE", required = true,
                description = "The image tarball to write, for 'docker load -i FILE' (parent directories are created).")
        Path out;

        @Option(names = "--to-daemon", required = true,
                description = "Load the image into the local Docker daemon (docker load) instead of writing a tarball.")
        boolean daemon;
    }

    @Option(names = "--image", paramLabel = "REPO:TAG", defaultValue = "bulwark:latest",
            description = "The image's name, as 'deploy generate --image' takes it (default bulwark:latest).")
    String image;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "bulwark",
            description = "The application, for the image's title and part-of labels (a DNS label; default bulwark).")
    String name;

    @Option(names = "--base", paramLabel = "REF", defaultValue = BaseImage.DEFAULT,
            description = "The image to build on: a registry reference (default " + BaseImage.DEFAULT + "), "
                    + "tar:PATH (a 'docker save' tarball) or docker://NAME (the local daemon).")
    String base;

    @Option(names = "--distribution", paramLabel = "DIR",
            description = "The distribution to package: bulwark.jar and lib/ (default: the one this bulwark runs from).")
    Path distribution;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where Jib caches base and application layers (default: Jib's, under ~/.cache and the temp directory).")
    Path cache;

    @CommandLine.Unmatched
    List<String> extra = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        BulwarkConfig config = options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
        int port = config.get(ServerKeys.PORT);
        if (port == 0) {
            throw CliException.usage("server.port is 0 (a free port at each start), so the image could not expose it: "
                    + "set --port or server.port");
        }
        ImageSettings settings;
        Distribution dist;
        try {
            settings = ImageSettings.builder().name(name).image(image).base(BaseImage.parse(base)).port(port)
                    .cacheDir(cache).build();
            dist = Distribution.at(home());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(optionName(e.getMessage()));
        } catch (IOException e) {
            throw CliException.usage("--distribution " + home() + " cannot be read: " + e.getMessage());
        }
        ImageTarget target = destination.daemon ? ImageTarget.daemon() : ImageTarget.tarball(destination.out);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err);
        ImageResult r;
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            r = ImageBuild.build(settings, dist, target, executor, progress);
            progress.progress(1);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(optionName(e.getMessage()));
        } catch (ImageBuildException e) {
            throw CliException.failure(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted: the image was not written");
        } finally {
            executor.shutdownNow();
            progress.finish();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Built " + r.image() + " on " + settings.base() + " from " + dist.home() + " (Bulwark " + dist.version() + ")");
        out.println("  image id " + r.imageId());
        for (ImageResult.Layer l : r.layers()) {
            out.printf(Locale.ROOT, "  layer %-12s %4d files %8.1f MB%n", l.name(), l.files(), l.bytes() / 1e6);
        }
        out.println(r.tarball() != null ? "Wrote " + r.tarball() + "; load it with: docker load -i " + r.tarball()
                : "Loaded into the Docker daemon as " + r.image());
        out.flush();
    }

    private Path home() {
        if (distribution != null) {
            return distribution;
        }
        return Distribution.homeOf(DeployImageCommand.class).orElseThrow(() -> CliException.usage("this bulwark does not "
                + "run from a distribution (bulwark.jar with lib/): pass --distribution DIR, e.g. bulwark-cli/target"));
    }

    /** The settings name their fields; the user knows the options. */
    private static String optionName(String message) {
        return message.replaceFirst("^image ", "--image ").replaceFirst("^image: ", "--image: ")
                .replaceFirst("^name ", "--name ").replaceFirst("^base ", "--base ").replaceFirst("^base: ", "--base: ")
                .replaceFirst("^base tarball ", "--base tarball ").replaceFirst("^out ", "--out ")
                .replaceFirst("^cacheDir ", "--cache ").replaceFirst("^port ", "--port ");
    }

    /** Jib's progress as a bar on the error stream, and its warnings; Jib calls from its own threads. */
    private static final class Progress implements ImageBuildListener {
        private final ReentrantLock lock = new ReentrantLock();
        private final PrintWriter err;
        private final ProgressBar bar;
        private long done;

        Progress(PrintWriter err) {
            this.err = err;
            this.bar = new ProgressBar(err, "deploy image", "%", ProgressBar.terminal());
            bar.start(100);
        }

        @Override
        public void progress(double fraction) {
            lock.lock();
            try {
                done = Math.max(done, Math.round(fraction * 100));
                bar.update(done);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void warning(String message) {
            lock.lock();
            try {
                err.println("warning: " + message);
                err.flush();
            } finally {
                lock.unlock();
            }
        }

        /** Draws the last state, unless the build never started (bad input: the error says it all). */
        void finish() {
            lock.lock();
            try {
                if (done > 0) {
                    bar.finish(done);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
