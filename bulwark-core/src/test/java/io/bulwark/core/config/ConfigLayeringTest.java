package io.bulwark.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.bulwark.core.config.TestSchema.LOG_JSON;
import static io.bulwark.core.config.TestSchema.WORKERS;
import static io.bulwark.core.config.TestSchema.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Precedence: defaults < profile defaults < file < environment < flags, and how the profile is chosen. */
class ConfigLayeringTest {

    @TempDir
    Path dir;

    /**
     * server.workers is 8 by default and 32 under prod; the file says 16, the environment 64 and
     * the flag 128. "profile" means --profile prod; without it the profile is dev.
     */
    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                       | default | 8
            profile                  | profile | 32
            file                     | file    | 16
            env                      | env     | 64
            flag                     | flag    | 128
            profile+file             | file    | 16
            profile+env              | env     | 64
            profile+flag             | flag    | 128
            file+env                 | env     | 64
            file+flag                | flag    | 128
            env+flag                 | flag    | 128
            profile+file+env         | env     | 64
            profile+file+flag        | flag    | 128
            profile+env+flag         | flag    | 128
            file+env+flag            | flag    | 128
            profile+file+env+flag    | flag    | 128
            """)
    void highestPrecedencePresentSourceWinsAndIsNamedAsTheOrigin(String sources, String winner, int expected) {
        List<String> present = sources.isEmpty() ? List.of() : Arrays.asList(sources.split("\\+"));
        TestSchema.Inputs in = TestSchema.in(dir);
        if (present.contains("profile")) {
            in.profile("prod");
        }
        if (present.contains("file")) {
            in.file("layers.yaml", "server:\n  workers: 16\n");
        }
        if (present.contains("env")) {
            in.env("BULWARK_SERVER_WORKERS", "64");
        }
        if (present.contains("flag")) {
            in.flag("server.workers", "128");
        }

        BulwarkConfig config = in.load();

        assertThat(config.get(WORKERS)).isEqualTo(expected);
        Origin expectedOrigin = switch (winner) {
            case "default" -> new Origin(Origin.Source.DEFAULT, "");
            case "profile" -> new Origin(Origin.Source.PROFILE, "prod");
            case "file" -> new Origin(Origin.Source.FILE, dir.resolve("layers.yaml").toString());
            case "env" -> new Origin(Origin.Source.ENV, "BULWARK_SERVER_WORKERS");
            case "flag" -> new Origin(Origin.Source.FLAG, "--server.workers");
            default -> throw new IllegalArgumentException(winner);
        };
        assertThat(valueOf(config, "server.workers").origin()).isEqualTo(expectedOrigin);
    }

    @Test
    void originsPrintAsTheSourceAndItsDetail() {
        assertThat(new Origin(Origin.Source.DEFAULT, "")).hasToString("default");
        assertThat(new Origin(Origin.Source.PROFILE, "prod")).hasToString("profile prod");
        assertThat(new Origin(Origin.Source.FILE, "/etc/bulwark.yaml")).hasToString("file /etc/bulwark.yaml");
        assertThat(new Origin(Origin.Source.ENV, "BULWARK_SERVER_PORT")).hasToString("env BULWARK_SERVER_PORT");
        assertThat(new Origin(Origin.Source.FLAG, "--server.port")).hasToString("flag --server.port");
    }

    @Test
    void profileDefaultsApplyUnderProdButNotDev() {
        BulwarkConfig prod = TestSchema.in(dir).profile("prod").load();
        assertThat(prod.profile()).isEqualTo(Profile.PROD);
        assertThat(prod.get(LOG_JSON)).isTrue();
        assertThat(valueOf(prod, "log.json").origin()).isEqualTo(new Origin(Origin.Source.PROFILE, "prod"));
        assertThat(prod.get(WORKERS)).isEqualTo(32);

        BulwarkConfig dev = TestSchema.in(dir).load();
        assertThat(dev.profile()).isEqualTo(Profile.DEV);
        assertThat(dev.get(LOG_JSON)).isFalse();
        assertThat(valueOf(dev, "log.json").origin()).isEqualTo(new Origin(Origin.Source.DEFAULT, ""));
        assertThat(dev.get(WORKERS)).isEqualTo(8);
    }

    @Test
    void aKeyWithoutAProfileDefaultKeepsItsGeneralDefaultUnderProd() {
        BulwarkConfig prod = TestSchema.in(dir).profile("PROD").load();

        assertThat(prod.get(TestSchema.PORT)).isEqualTo(8080);
        assertThat(valueOf(prod, "server.port").origin().source()).isEqualTo(Origin.Source.DEFAULT);
    }

    /** Empty cells are absent sources. The file names the profile with its top-level {@code profile:} key. */
    @ParameterizedTest(name = "flag={0} env={1} file={2} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
                    |         |         | DEV
                    |         | prod    | PROD
                    | staging | prod    | STAGING
                    | prod    |         | PROD
            staging | prod    | prod    | STAGING
            prod    | staging | staging | PROD
            dev     | prod    | prod    | DEV
                    | dev     | prod    | DEV
            prod    |         |         | PROD
            """)
    void profileIsChosenByFlagThenEnvThenFileThenDev(String flag, String env, String file, Profile expected) {
        TestSchema.Inputs in = TestSchema.in(dir);
        if (flag != null) {
            in.profile(flag);
        }
        if (env != null) {
            in.env(ConfigLoader.PROFILE_ENV, env);
        }
        if (file != null) {
            in.file("profiled.yaml", "profile: " + file + "\nserver:\n  port: 9000\n");
        }

        BulwarkConfig config = in.load();

        assertThat(config.profile()).isEqualTo(expected);
        assertThat(config.get(WORKERS)).isEqualTo(expected == Profile.PROD ? 32 : 8);
    }

    @ParameterizedTest(name = "from {0}")
    @CsvSource({"flag", "env", "file"})
    void anInvalidProfileIsAProblemNamingTheValueAndTheAllowedProfiles(String source) {
        TestSchema.Inputs in = TestSchema.in(dir);
        Origin origin = switch (source) {
            case "flag" -> {
                in.profile("qa");
                yield new Origin(Origin.Source.FLAG, "--profile");
            }
            case "env" -> {
                in.env(ConfigLoader.PROFILE_ENV, "qa");
                yield new Origin(Origin.Source.ENV, ConfigLoader.PROFILE_ENV);
            }
            default -> {
                in.file("bad-profile.yaml", "profile: qa\n");
                yield new Origin(Origin.Source.FILE, dir.resolve("bad-profile.yaml").toString());
            }
        };

        ConfigException e = in.fails();

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("profile");
            assertThat(p.origin()).isEqualTo(origin);
            assertThat(p.message()).isEqualTo("profile must be one of dev, staging, prod but was 'qa'");
        });
    }

    @Test
    void theProfileKeyInTheFileIsNotReportedAsAnUnknownKey() {
        BulwarkConfig config = TestSchema.in(dir).file("p.yaml", "profile: staging\n").load();

        assertThat(config.profile()).isEqualTo(Profile.STAGING);
        assertThat(config.values()).extracting(BulwarkConfig.Value::name).doesNotContain("profile");
    }
}
