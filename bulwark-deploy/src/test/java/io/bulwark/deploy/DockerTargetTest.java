package io.bulwark.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The docker target's Dockerfile, and the check that keeps it production-shaped. */
class DockerTargetTest {

    @TempDir
    Path dir;

    private Path generate() throws Exception {
        Artifacts.write(dir, Artifacts.generate(DeploySettings.builder("shop").port(9090).build(), EnumSet.of(Target.DOCKER)));
        return dir.resolve("docker/Dockerfile");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.bulwark.deploy.Fixtures#all")
    void theDockerfileIsMultiStageNonRootWithAHealthCheckAndPassesTheCheck(DeploySettings s) throws Exception {
        Artifacts.write(dir, Artifacts.generate(s, EnumSet.of(Target.DOCKER)));
        Path file = dir.resolve("docker/Dockerfile");
        String text = Files.readString(file);
        assertThat(text).contains("FROM eclipse-temurin:25-jre AS cds").contains("USER 10001:10001")
                .contains("-XX:AOTCacheOutput=/opt/bulwark/bulwark.aot").contains("bulwark.jar dev train")
                .contains("-XX:AOTCache=/opt/bulwark/bulwark.aot").contains("-XX:ArchiveClassesAtExit=/opt/bulwark/bulwark.jsa")
                .contains("HEALTHCHECK").contains("CMD [\"bulwark\", \"health\", \"--url\", \"http://127.0.0.1:" + s.port() + "\"]")
                .contains("ENTRYPOINT [\"bulwark\"]").contains("-XX:MaxRAMPercentage=70").contains("EXPOSE " + s.port());
        assertThat(DockerfileCheck.problems(file)).isEmpty();
        List<CheckResult> results = Validation.validate(dir);
        assertThat(results).filteredOn(r -> r.check().equals("Dockerfile")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASSED));
        assertThat(Validation.passed(results)).as("%s", results).isTrue();
    }

    @Test
    void rootShellFormAndUnknownStagesAreCaught() throws Exception {
        Path file = generate();
        String text = Files.readString(file);
        Files.writeString(file, text.replace("USER 10001:10001", "USER root")
                .replace("ENTRYPOINT [\"bulwark\"]", "ENTRYPOINT bulwark")
                .replace("COPY --from=cds", "COPY --from=build")
                .replace("HEALTHCHECK --interval", "# HEALTHCHECK --interval").replace("    CMD [\"bulwark\", \"health\"", "#"));

        assertThat(DockerfileCheck.problems(file)).contains(
                "the final stage runs as root: add USER with a non-root user",
                "ENTRYPOINT is in shell form: use the exec form [\"...\"] so signals reach the process",
                "COPY --from=build names no earlier stage",
                "the final stage has no HEALTHCHECK");
    }

    @Test
    void continuationLinesJoinIntoOneInstruction() {
        var steps = DockerfileCheck.parse("# c\nFROM a AS b\nRUN one \\\n    two \\\n    three\nCMD [\"x\"]\n");
        assertThat(steps).extracting(DockerfileCheck.Instruction::keyword).containsExactly("FROM", "RUN", "CMD");
        assertThat(steps.get(1).args()).isEqualTo("one two three");
    }
}
