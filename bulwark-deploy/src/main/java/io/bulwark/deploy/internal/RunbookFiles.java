package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;

import java.util.ArrayList;
import java.util.List;

/** {@code runbooks/<Alert>.md} for every alert, and {@code runbooks/README.md} listing them. */
public final class RunbookFiles {

    private RunbookFiles() {
    }

    public static List<Artifact> generate(DeploySettings s) {
        List<Artifact> out = new ArrayList<>();
        StringBuilder index = new StringBuilder("# Runbooks for " + s.name() + "\n\nOne page per alert in "
                + "`prometheus/rules/bulwark-alerts.yml`; each alert's `runbook_url` annotation links here.\n\n"
                + "| alert | severity | summary |\n|---|---|---|\n");
        for (Alert a : Alerts.of(s)) {
            out.add(new Artifact("runbooks/" + a.name() + ".md", page(s, a)));
            index.append("| [").append(a.name()).append("](").append(a.name()).append(".md) | ").append(a.severity())
                    .append(" | ").append(plain(a.summary())).append(" |\n");
        }
        out.add(new Artifact("runbooks/README.md", index.toString()));
        return out;
    }

    private static String page(DeploySettings s, Alert a) {
        Alert.Runbook r = a.runbook();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(a.name()).append("\n\n");
        md.append("Severity: **").append(a.severity()).append("**. ").append(plain(a.description())).append("\n\n");
        md.append("Fires when (").append(a.forDuration() == null ? "at once" : "for " + a.forDuration()).append("):\n\n");
        md.append("```promql\n").append(a.expr()).append("\n```\n\n");
        md.append("## Symptoms\n\n").append(r.symptoms()).append("\n\n");
        md.append("## Diagnose\n\n");
        r.diagnose().forEach(d -> md.append("- ").append(d).append('\n'));
        md.append("\nThe CLI talks to a server: set `BULWARK_URL` (e.g. `http://NODE:").append(s.port())
                .append("`) and `BULWARK_API_KEY`.\n\n");
        md.append("## Remedies\n\n");
        int i = 1;
        for (String step : r.remedies()) {
            md.append(i++).append(". ").append(step).append('\n');
        }
        md.append("\n## Escalation\n\n").append(r.escalation()).append('\n');
        return md.toString();
    }

    /** Annotation text for Markdown: label references read as placeholders. */
    private static String plain(String annotation) {
        return annotation.replaceAll("\\{\\{ \\$labels\\.([a-z_]+) }}", "`<$1>`");
    }
}
