package io.bulwark.cli.tour;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the tour test reads a tour and changes its commands, without running any. */
class TourTest {

    private static final String DOC = """
            # Title
            ## A tour

            Some text.

            ```bash
            ./bulwark dev fake-provider --port 9000 &    # a fake
            ./bulwark serve --port 8080 --data-dir ./data          # flags: --host
            curl -s localhost:8080/health/live                      # {"status":"UP"}

            # a comment line
            ./bulwark serve --store.url=jdbc:postgresql://127.0.0.1:5432/test \\
                --store.user=postgres   # joined
            ./bulwark runs start etl --input '{"day": "#1"}' && echo "a # b"   # quotes keep their #
            ./bulwark worker --port 9091 &
            sleep 1 &
            ```

            ```bash
            ./bulwark not-in-the-tour
            ```
            """;

    @Test
    void readsTheFirstCodeBlockAfterTheHeadingWithLineNumbersJoinedLinesAndNoComments() {
        List<Tour.Command> tour = Tour.parse(DOC, "## A tour");
        assertThat(tour).extracting(Tour.Command::line).containsExactly(7, 8, 9, 12, 14, 15, 16);
        assertThat(tour).extracting(Tour.Command::text).containsExactly(
                "./bulwark dev fake-provider --port 9000",
                "./bulwark serve --port 8080 --data-dir ./data",
                "curl -s localhost:8080/health/live",
                "./bulwark serve --store.url=jdbc:postgresql://127.0.0.1:5432/test --store.user=postgres",
                "./bulwark runs start etl --input '{\"day\": \"#1\"}' && echo \"a # b\"",
                "./bulwark worker --port 9091",
                "sleep 1");
        assertThat(tour).extracting(Tour.Command::kind).containsExactly(Tour.Kind.FAKE_PROVIDER, Tour.Kind.SERVER,
                Tour.Kind.COMMAND, Tour.Kind.SERVER, Tour.Kind.COMMAND, Tour.Kind.SERVER, Tour.Kind.OTHER_BACKGROUND);
    }

    @Test
    void refusesADocumentWithoutTheHeadingOrWithAnOpenContinuation() {
        assertThatThrownBy(() -> Tour.parse(DOC, "## A walk")).hasMessageContaining("no line '## A walk'");
        assertThatThrownBy(() -> Tour.parse("## A tour\n```\nls \\\n```\n", "## A tour"))
                .hasMessageContaining("line 3: the command's last line ends with '\\'");
    }

    @Test
    void portsNamedByTheTourAreSubstitutedButNotThoseOfJdbcUrls() {
        List<Tour.Command> tour = Tour.parse(DOC, "## A tour");
        assertThat(Substitutions.portsNamed(tour)).containsExactly(8080, 9000, 9091);
        Substitutions s = new Substitutions(Map.of(8080, 41000, 9000, 41001));
        assertThat(s.ports("export BULWARK_URL=http://127.0.0.1:8080 && curl localhost:9000/v1 --port 9000 x18080"))
                .isEqualTo("export BULWARK_URL=http://127.0.0.1:41000 && curl localhost:41001/v1 --port 41001 x18080");
        assertThat(s.port(9091)).isEqualTo(9091);
        assertThat(Substitutions.listenPort("./bulwark worker --data-dir d --port 41002 --queues q", 1)).isEqualTo(41002);
        assertThat(Substitutions.listenPort("./bulwark serve --log.level=debug", 41000)).isEqualTo(41000);
    }

    @Test
    void placeholdersTakeTheKeyAndTheIdPrintedBefore() {
        String key = "bwk_d4aa796d3d37_CxVxPEzQJbiDjHfWfGPsyvSsozSJz6Vo5UNksIwvDgM";
        assertThat(Substitutions.key("export BULWARK_API_KEY=bwk_...", key)).isEqualTo("export BULWARK_API_KEY=" + key);
        assertThatThrownBy(() -> Substitutions.key("export K=bwk_...", null)).hasMessageContaining("no earlier command");
        String started = "Started run 01a240ff-65b3-70ec-a19c-d6100fb2952f of etl v1 (running)\n";
        assertThat(Substitutions.ids("./bulwark runs watch <run id>", started))
                .isEqualTo("./bulwark runs watch 01a240ff-65b3-70ec-a19c-d6100fb2952f");
        assertThatThrownBy(() -> Substitutions.ids("./bulwark jobs wait <id>", "no id here"))
                .hasMessageContaining("uses <id> but the previous command printed no id");
        assertThat(Substitutions.database("./bulwark serve --store.url=jdbc:postgresql://127.0.0.1:5432/test --x=1",
                "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=bw_1"))
                .isEqualTo("./bulwark serve --store.url='jdbc:postgresql://127.0.0.1:5432/test?currentSchema=bw_1' --x=1");
    }
}
