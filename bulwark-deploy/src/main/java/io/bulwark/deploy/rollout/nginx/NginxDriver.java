package io.bulwark.deploy.rollout.nginx;

import io.bulwark.core.units.Durations;
import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.settings.DriverSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Splits traffic in nginx by rewriting a file that holds one weighted {@code upstream} block and
 * reloading nginx. The user's nginx configuration includes the file inside {@code http { }} and
 * proxies to the upstream by name; the driver owns the file and nothing else.
 *
 * <pre>{@code
 * # nginx.conf                          # rollout definition
 * http {                                driver:
 *   include /etc/nginx/bulwark/shop.conf;   type: nginx
 *   server {                              config: /etc/nginx/bulwark/shop.conf
 *     listen 80;                          upstream: shop
 *     location / {                        stable: 10.0.0.5:8080
 *       proxy_pass http://shop;           canary: [10.0.0.6:8080, 10.0.0.7:8080]
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Each {@link #setWeight} writes the new file beside the old one and moves it into place
 * atomically (nginx never reads half a file), runs the check command ({@code nginx -t}, derived
 * from the reload command unless set), then the reload command ({@code nginx -s reload}). A reload
 * is graceful: nginx starts workers with the new weights and lets the old ones finish the requests
 * they are serving. When the check or the reload fails, the previous file is put back and the
 * error names the file, the command and nginx's output.
 *
 * <p>Thread-safety: steps are serialised by a lock; {@link #weight()} reads the marker comment of
 * the file, so it answers what was last written, also across a restart of the controller.
 */
public final class NginxDriver implements TrafficDriver {

    /** The type in a rollout definition. */
    public static final String TYPE = "nginx";

    /** The reload command when none is set. */
    public static final List<String> DEFAULT_RELOAD = List.of("nginx", "-s", "reload");

    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SERVER = Pattern.compile(
            "unix:/[^\\s;{}#'\"]+|(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(?<port>\\d{1,5})");

    private final Path config;
    private final String upstream;
    private final List<String> stable;
    private final List<String> canary;
    private final Optional<Command> check;
    private final Command reload;
    private final ReentrantLock lock = new ReentrantLock();

    private NginxDriver(Path config, String upstream, List<String> stable, List<String> canary,
                        Optional<List<String>> check, List<String> reload, Duration timeout) {
        this.config = config.toAbsolutePath().normalize();
        this.upstream = upstream;
        this.stable = List.copyOf(stable);
        this.canary = List.copyOf(canary);
        this.check = check.map(c -> new Command(c, timeout));
        this.reload = new Command(reload, timeout);
    }

    /**
     * A driver from the settings of a rollout definition's {@code driver} section.
     *
     * @throws IllegalArgumentException naming the setting ({@code driver.<name>}) and what is allowed
     */
    public static NginxDriver of(Map<String, Object> settings) {
        DriverSettings s = DriverSettings.of(TYPE, settings,
                Set.of("config", "upstream", "stable", "canary", "reload", "check", "timeout"));
        Path config;
        try {
            config = Path.of(s.requireString("config"));
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("driver.config is not a valid path: " + e.getMessage());
        }
        if (!config.isAbsolute()) {
            throw new IllegalArgumentException("driver.config must be an absolute path (nginx resolves includes from its own prefix) but was " + config);
        }
        Path dir = config.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("driver.config must be in an existing directory but " + dir + " is not one");
        }
        String upstream = s.requireString("upstream");
        if (!UPSTREAM_NAME.matcher(upstream).matches()) {
            throw new IllegalArgumentException("driver.upstream must be an nginx upstream name (letters, digits, _ . -) but was " + upstream);
        }
        List<String> stable = servers(s, "stable");
        List<String> canary = servers(s, "canary");
        for (String c : canary) {
            if (stable.contains(c)) {
                throw new IllegalArgumentException("driver.canary must not repeat a stable server but both name " + c);
            }
        }
        List<String> reload = s.optionalCommand("reload").orElse(DEFAULT_RELOAD);
        Optional<List<String>> check;
        if (s.optionalString("check").filter("none"::equals).isPresent()) {
            check = Optional.empty();
        } else {
            check = s.optionalCommand("check").or(() -> testCommandFor(reload));
        }
        Duration timeout;
        try {
            timeout = s.optionalString("timeout").map(Durations::parse).orElse(Duration.ofSeconds(30));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("driver.timeout must be " + Durations.ACCEPTED + " but was "
                    + s.optionalString("timeout").orElse(""));
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("driver.timeout must be positive but was " + Durations.format(timeout));
        }
        return new NginxDriver(config, upstream, stable, canary, check, reload, timeout);
    }

    private static List<String> servers(DriverSettings s, String name) {
        List<String> servers = s.requireList(name);
        for (String server : servers) {
            var m = SERVER.matcher(server);
            if (!m.matches() || (m.group("port") != null && (Integer.parseInt(m.group("port")) < 1 || Integer.parseInt(m.group("port")) > 65535))) {
                throw new IllegalArgumentException("driver." + name + " must be host:port (port 1-65535) or unix:/path, one or a list, but held "
                        + server);
            }
        }
        return servers;
    }

    /** {@code nginx ... -s reload} checks as {@code nginx ... -t}; any other reload command has no default check. */
    private static Optional<List<String>> testCommandFor(List<String> reload) {
        int i = reload.indexOf("-s");
        if (i < 0 || i + 1 >= reload.size() || !reload.get(i + 1).equals("reload")
                || !Path.of(reload.get(0)).getFileName().toString().equals("nginx")) {
            return Optional.empty();
        }
        List<String> test = new ArrayList<>(reload);
        test.remove(i + 1);
        test.set(i, "-t");
        return Optional.of(List.copyOf(test));
    }

    /** The file it owns. */
    public Path config() {
        return config;
    }

    /** The command that checks nginx's configuration before each reload, if any. */
    public Optional<List<String>> checkCommand() {
        return check.map(Command::args);
    }

    /** The command that reloads nginx. */
    public List<String> reloadCommand() {
        return reload.args();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void setWeight(int weight) throws DriverException {
        DriverSettings.checkWeight(weight);
        String next = UpstreamFile.render(upstream, stable, canary, weight);
        lock.lock();
        try {
            byte[] previous = read();
            write(next.getBytes(StandardCharsets.UTF_8));
            try {
                if (check.isPresent()) {
                    run(check.get(), "check", weight);
                }
                run(reload, "reload", weight);
            } catch (DriverException e) {
                restore(previous, e);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private void run(Command command, String what, int weight) throws DriverException {
        Command.Result r;
        try {
            r = command.run();
        } catch (IOException e) {
            throw new DriverException("nginx upstream " + upstream + " (" + config + "): cannot run the " + what
                    + " command `" + command + "` for weight " + weight + ": " + e.getMessage()
                    + "; the previous file is back in place", e);
        }
        if (!r.ok()) {
            throw new DriverException("nginx upstream " + upstream + " (" + config + "): the " + what + " command `"
                    + command + "` failed for weight " + weight + " (exit " + r.exit() + "): " + r.output()
                    + "; the previous file is back in place");
        }
    }

    @Override
    public int weight() throws DriverException {
        byte[] bytes = read();
        if (bytes == null) {
            throw new DriverException("nginx upstream " + upstream + ": " + config
                    + " does not exist; no weight was set yet (setWeight writes it)");
        }
        OptionalInt w = UpstreamFile.weight(new String(bytes, StandardCharsets.UTF_8));
        if (w.isEmpty()) {
            throw new DriverException("nginx upstream " + upstream + ": " + config + " has no '"
                    + UpstreamFile.MARKER.strip() + "' line; it was not written by this driver");
        }
        return w.getAsInt();
    }

    private byte[] read() throws DriverException {
        try {
            return Files.readAllBytes(config);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new DriverException("nginx upstream " + upstream + ": cannot read " + config + ": " + e, e);
        }
    }

    private void write(byte[] bytes) throws DriverException {
        Path tmp = config.resolveSibling("." + config.getFileName() + ".bulwark-tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is overwritten by the next step anyway
            }
            throw new DriverException("nginx upstream " + upstream + ": cannot write " + config + ": " + e, e);
        }
    }

    private void restore(byte[] previous, DriverException failure) {
        try {
            if (previous == null) {
                Files.deleteIfExists(config);
            } else {
                write(previous);
            }
        } catch (IOException | DriverException e) {
            failure.addSuppressed(new IOException("could not put the previous " + config + " back: " + e.getMessage(), e));
        }
    }

    @Override
    public String toString() {
        return "nginx upstream " + upstream + " in " + config;
    }

    /** Makes {@link NginxDriver}s from rollout definitions ({@code driver.type: nginx}). */
    public static final class Factory implements TrafficDriver.Factory {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public TrafficDriver create(Map<String, Object> settings) {
            return of(Objects.requireNonNull(settings, "settings"));
        }
    }
}
