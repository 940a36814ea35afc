package io.bulwark.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Dockerfile read instruction by instruction (continuation lines joined, comments dropped) and
 * checked for what a production image needs: a base for every stage, {@code COPY --from} naming an
 * earlier stage, a final stage that runs as a non-root user, a {@code HEALTHCHECK}, and
 * {@code ENTRYPOINT}/{@code CMD} in exec form (so signals reach the JVM, not a shell); no
 * {@code ADD} of a URL. Where a Docker daemon answers, {@link Validation} also builds it.
 */
public final class DockerfileCheck {

    private DockerfileCheck() {
    }

    /** The instructions: each a keyword in upper case and its arguments. */
    public record Instruction(String keyword, String args) {
    }

    public static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed.substring(0, trimmed.length() - 1).strip()).append(" ");
                continue;
            }
            current.append(trimmed);
            String full = current.toString().strip();
            current.setLength(0);
            int space = full.indexOf(' ');
            out.add(space < 0 ? new Instruction(full.toUpperCase(Locale.ROOT), "")
                    : new Instruction(full.substring(0, space).toUpperCase(Locale.ROOT), full.substring(space + 1).strip()));
        }
        return out;
    }

    static List<String> problems(Path file) throws IOException {
        List<Instruction> all = parse(Files.readString(file));
        List<String> out = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        int lastFrom = -1;
        for (int i = 0; i < all.size(); i++) {
            Instruction in = all.get(i);
            switch (in.keyword()) {
                case "FROM" -> {
                    String[] parts = in.args().split("\\s+");
                    if (parts.length == 0 || parts[0].isBlank()) {
                        out.add("FROM without an image");
                    }
                    if (parts.length >= 3 && parts[1].equalsIgnoreCase("AS")) {
                        stages.add(parts[2].toLowerCase(Locale.ROOT));
                    }
                    lastFrom = i;
                }
                case "COPY" -> {
                    for (String word : in.args().split("\\s+")) {
                        if (word.startsWith("--from=") && !stages.contains(word.substring(7).toLowerCase(Locale.ROOT))) {
                            out.add("COPY " + word + " names no earlier stage");
                        }
                    }
                }
                case "ADD" -> {
                    if (in.args().contains("://")) {
                        out.add("ADD of a URL: download in a RUN step with a checksum, or COPY");
                    }
                }
                default -> {
                }
            }
            if (lastFrom < 0 && !in.keyword().equals("ARG")) {
                out.add(in.keyword() + " before the first FROM");
            }
        }
        if (lastFrom < 0) {
            return List.of("no FROM");
        }
        List<Instruction> last = all.subList(lastFrom, all.size());
        String user = last.stream().filter(in -> in.keyword().equals("USER")).reduce((a, b) -> b).map(Instruction::args)
                .orElse("");
        String name = user.split(":")[0];
        if (name.isEmpty() || name.equals("root") || name.equals("0")) {
            out.add("the final stage runs as root: add USER with a non-root user");
        }
        if (last.stream().noneMatch(in -> in.keyword().equals("HEALTHCHECK"))) {
            out.add("the final stage has no HEALTHCHECK");
        }
        for (String k : List.of("ENTRYPOINT", "CMD")) {
            last.stream().filter(in -> in.keyword().equals(k)).reduce((a, b) -> b).ifPresent(in -> {
                if (!in.args().startsWith("[")) {
                    out.add(k + " is in shell form: use the exec form [\"...\"] so signals reach the process");
                }
            });
        }
        return out;
    }
}
