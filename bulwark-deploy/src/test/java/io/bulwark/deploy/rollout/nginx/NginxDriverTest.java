package io.bulwark.deploy.rollout.nginx;

import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.TrafficDriver.DriverException;
import io.bulwark.deploy.rollout.fixtures.Backend;
import io.bulwark.deploy.rollout.fixtures.Binaries;
import io.bulwark.deploy.rollout.fixtures.LoadGenerator;
import io.bulwark.deploy.rollout.fixtures.NginxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The nginx driver against a real nginx (Debian's) in front of two real HTTP backends, "blue"
 * (stable) and "green" (canary), under continuous traffic: every weight change is a graceful
 * reload that fails no request, and the split nginx makes is the weight asked for.
 */
class NginxDriverTest {

    private static final int WINDOW = 2_000;

    @TempDir
    Path dir;

    private Map<String, Object> settings(Path upstreamFile, Object stable, Object canary, List<String> reload) {
        Map<String, Object> s = new HashMap<>();
        s.put("type", "nginx");
        s.put("config", upstreamFile.toString());
        s.put("upstream", "app");
        s.put("stable", stable);
        s.put("canary", canary);
        s.put("reload", reload);
        return s;
    }

    @Test
    void movesTrafficThroughCanaryStepsSwitchAndRollbackWithoutFailingARequest() throws Exception {
        Path nginx = Binaries.require("nginx", "nginx");
        try (Backend blue = Backend.start("blue"); Backend green = Backend.start("green")) {
            Path upstream = dir.resolve("upstream.conf");
            // What a user has before the first rollout: an upstream written by hand, stable only.
            Files.writeString(upstream, "upstream app { server " + blue.address() + "; }\n");
            try (NginxServer server = NginxServer.start(nginx, dir, upstream, "app")) {
                TrafficDriver driver = new NginxDriver.Factory().create(
                        settings(upstream, blue.address(), green.address(), server.reloadCommand()));
                assertThatThrownBy(driver::weight).isInstanceOf(DriverException.class)
                        .hasMessageContaining(upstream.toString()).hasMessageContaining("not written by this driver");

                List<String> figures = new ArrayList<>();
                try (LoadGenerator load = LoadGenerator.start(server.uri(), 4)) {
                    // canary 10/25/50/100, then blue-green: back to blue, switch to green, roll back to blue
                    for (int weight : new int[]{0, 10, 25, 50, 100, 0, 100, 0}) {
                        Set<Long> before = server.workers();
                        driver.setWeight(weight);
                        server.awaitReloaded(before);
                        assertThat(driver.weight()).isEqualTo(weight);

                        int mark = load.completed();
                        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() >= mark + WINDOW);
                        Map<String, Integer> tally = LoadGenerator.tally(load.window(mark, WINDOW));
                        double greenShare = 100.0 * tally.getOrDefault("green", 0) / WINDOW;
                        figures.add("weight %3d: green %5.1f%% (blue %d, green %d, failed %d of %d)".formatted(weight,
                                greenShare, tally.getOrDefault("blue", 0), tally.getOrDefault("green", 0),
                                tally.getOrDefault("failed", 0), WINDOW));
                        assertThat(greenShare).as("green share at weight %d: %s", weight, tally)
                                .isBetween(weight - 3.0, weight + 3.0);
                    }
                    int total = load.completed();
                    List<String> failures = load.failures();
                    figures.add("requests %d, failed %d".formatted(total, failures.size()));
                    System.out.println("nginx split per step:\n  " + String.join("\n  ", figures));
                    assertThat(failures).as("failed requests across all weight changes (%d requests)", total).isEmpty();
                }
                assertThat(server.log()).doesNotContain("[emerg]");
            }
        }
    }

    @Test
    void aConfigurationNginxRefusesIsNotReloadedAndThePreviousFileStays() throws Exception {
        Path nginx = Binaries.require("nginx", "nginx");
        try (Backend blue = Backend.start("blue"); Backend green = Backend.start("green")) {
            Path upstream = dir.resolve("upstream.conf");
            Files.writeString(upstream, "upstream app { server " + blue.address() + "; }\n");
            try (NginxServer server = NginxServer.start(nginx, dir, upstream, "app")) {
                NginxDriver driver = NginxDriver.of(settings(upstream, blue.address(), green.address(), server.reloadCommand()));
                assertThat(driver.checkCommand()).hasValueSatisfying(c -> assertThat(c).contains("-t").doesNotContain("reload"));
                Set<Long> initial = server.workers();
                driver.setWeight(25);
                server.awaitReloaded(initial);
                String good = Files.readString(upstream);

                // Same file, another upstream name: the conf's proxy_pass then names an upstream nginx -t cannot find.
                Map<String, Object> renamed = settings(upstream, blue.address(), green.address(), server.reloadCommand());
                renamed.put("upstream", "other");
                NginxDriver wrong = NginxDriver.of(renamed);
                Set<Long> before = server.workers();
                assertThatThrownBy(() -> wrong.setWeight(50)).isInstanceOf(DriverException.class)
                        .hasMessageContaining(upstream.toString())
                        .hasMessageContaining("check command")
                        .hasMessageContaining("weight 50")
                        .hasMessageContaining("host not found in upstream \"app\"").hasMessageContaining("previous file is back");

                assertThat(Files.readString(upstream)).isEqualTo(good);
                assertThat(driver.weight()).isEqualTo(25);
                assertThat(server.workers()).isEqualTo(before);
            }
        }
    }

    @Test
    void aFailingReloadPutsThePreviousFileBackAndNamesTheCommand() throws Exception {
        Path nginx = Binaries.require("nginx", "nginx");
        Path upstream = dir.resolve("upstream.conf");
        Map<String, Object> s = settings(upstream, "127.0.0.1:1", "127.0.0.1:2",
                List.of(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("absent.conf").toString(),
                        "-e", dir.resolve("error.log").toString(), "-s", "reload"));
        s.put("check", "none");
        NginxDriver driver = NginxDriver.of(s);

        assertThatThrownBy(() -> driver.setWeight(10)).isInstanceOf(DriverException.class)
                .hasMessageContaining("nginx upstream app (" + upstream + ")")
                .hasMessageContaining("reload command")
                .hasMessageContaining("absent.conf")
                .hasMessageContaining("previous file is back");
        assertThat(upstream).doesNotExist();
        assertThatThrownBy(driver::weight).isInstanceOf(DriverException.class).hasMessageContaining("does not exist");
    }

    @Test
    void writesWeightsWhoseSideTotalsAreTheSplitAndMarksAnEmptySideDown() {
        assertThat(UpstreamFile.render("app", List.of("10.0.0.1:80", "10.0.0.2:80"), List.of("10.0.0.3:80"), 25))
                .contains("# bulwark-weight: 25\nupstream app {\n"
                        + "    server 10.0.0.1:80 weight=3;  # stable\n"
                        + "    server 10.0.0.2:80 weight=3;  # stable\n"
                        + "    server 10.0.0.3:80 weight=2;  # canary\n}\n");
        assertThat(UpstreamFile.render("app", List.of("a:1"), List.of("b:2"), 0))
                .contains("server a:1 weight=1;", "server b:2 down;");
        assertThat(UpstreamFile.render("app", List.of("a:1"), List.of("b:2"), 100))
                .contains("server a:1 down;", "server b:2 weight=1;");
        assertThat(UpstreamFile.weight(UpstreamFile.render("app", List.of("a:1"), List.of("b:2"), 37))).hasValue(37);
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        Path upstream = dir.resolve("upstream.conf");
        Map<String, Object> good = settings(upstream, "127.0.0.1:8081", List.of("127.0.0.1:8082"), List.of("nginx", "-s", "reload"));
        NginxDriver.Factory factory = new NginxDriver.Factory();
        assertThat(factory.type()).isEqualTo("nginx");

        assertThat(rejected(factory, good, "config", null)).contains("driver.config is required");
        assertThat(rejected(factory, good, "config", "relative/upstream.conf")).contains("driver.config must be an absolute path");
        assertThat(rejected(factory, good, "config", "/nope/nope/upstream.conf")).contains("driver.config", "/nope/nope");
        assertThat(rejected(factory, good, "upstream", "app; evil")).contains("driver.upstream", "app; evil");
        assertThat(rejected(factory, good, "stable", "127.0.0.1")).contains("driver.stable must be host:port", "127.0.0.1");
        assertThat(rejected(factory, good, "canary", List.of("127.0.0.1:70000"))).contains("driver.canary", "70000");
        assertThat(rejected(factory, good, "canary", "127.0.0.1:8081")).contains("driver.canary must not repeat a stable server");
        assertThat(rejected(factory, good, "timeout", "soon")).contains("driver.timeout", "soon");
        assertThat(rejected(factory, good, "weights", "50")).contains("driver.weights is not a setting of the nginx driver");

        NginxDriver driver = NginxDriver.of(good);
        assertThat(driver.reloadCommand()).containsExactly("nginx", "-s", "reload");
        assertThat(driver.checkCommand()).hasValue(List.of("nginx", "-t"));
        assertThatThrownBy(() -> driver.setWeight(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight must be from 0 to 100 but was 101");
        assertThat(upstream).doesNotExist();
    }

    private static String rejected(NginxDriver.Factory factory, Map<String, Object> good, String key, Object value) {
        Map<String, Object> s = new HashMap<>(good);
        s.put(key, value);
        try {
            factory.create(s);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("driver." + key + " = " + value + " was accepted");
    }
}
