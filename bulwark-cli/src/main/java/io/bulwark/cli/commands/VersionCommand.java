package io.bulwark.cli.commands;

import io.bulwark.cli.internal.Output;
import io.bulwark.core.BulwarkVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bulwark version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the Bulwark and Java versions.")
final class VersionCommand implements Runnable {

    @Mixin
    OutputOption output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", BulwarkVersion.get());
        v.put("java", Runtime.version().toString());
        v.put("javaVendor", System.getProperty("java.vendor"));
        if (output.json()) {
            Output.json(out, v);
        } else {
            out.println("bulwark " + v.get("version"));
            out.println("java " + v.get("java") + " (" + v.get("javaVendor") + ")");
            out.flush();
        }
    }
}
