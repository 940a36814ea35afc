package io.bulwark.cli.tour;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The commands of a Markdown document's tour: the first fenced code block after a heading, one
 * command per shell command line. Lines continued with a trailing backslash join the line they
 * start on; comments ({@code #} outside quotes, at the start or after white space) and blank lines
 * are dropped; each command keeps the number of the document line it starts on.
 */
final class Tour {

    private static final Pattern SERVER = Pattern.compile("^\\./bulwark (serve|worker)(\\s.*)?$");
    private static final Pattern FAKE = Pattern.compile("^\\./bulwark dev fake-provider(\\s.*)?$");

    private Tour() {
    }

    /**
     * One command of the tour.
     *
     * @param line    the document line it starts on, from 1
     * @param text    the command as the shell would run it, comments and a trailing {@code &} removed
     * @param kind    what it is, which decides how the tour test runs it
     */
    record Command(int line, String text, Kind kind) {

        /** A command that keeps running in the background until stopped. */
        boolean background() {
            return kind != Kind.COMMAND;
        }
    }

    /** How a command is run. */
    enum Kind {
        /** Runs to its end in the foreground; its exit code counts. */
        COMMAND,
        /** {@code ./bulwark serve} or {@code worker}: in the background, ready when {@code /health/ready} is 200. */
        SERVER,
        /** {@code ./bulwark dev fake-provider}: in the background, ready when its port accepts connections. */
        FAKE_PROVIDER,
        /** Any other line ending in {@code &}: in the background, not waited for. */
        OTHER_BACKGROUND
    }

    /**
     * The commands of the first code block after the line {@code heading} (e.g. {@code "## A tour"}).
     *
     * @throws IllegalArgumentException when there is no such heading or code block, or a continued line never ends
     */
    static List<Command> parse(String markdown, String heading) {
        List<String> lines = markdown.lines().toList();
        int at = lines.indexOf(heading);
        if (at < 0) {
            throw new IllegalArgumentException("no line '" + heading + "' in the document");
        }
        int open = at + 1;
        while (open < lines.size() && !lines.get(open).startsWith("```")) {
            if (lines.get(open).startsWith("#")) {
                throw new IllegalArgumentException("the section '" + heading + "' has no code block before '"
                        + lines.get(open) + "'");
            }
            open++;
        }
        List<Command> commands = new ArrayList<>();
        StringBuilder pending = null;
        int pendingLine = 0;
        for (int i = open + 1; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.startsWith("```")) {
                if (pending != null) {
                    throw new IllegalArgumentException("line " + pendingLine + ": the command's last line ends with '\\'");
                }
                return commands;
            }
            String code = stripComment(raw).stripTrailing();
            boolean continues = code.endsWith("\\");
            if (continues) {
                code = code.substring(0, code.length() - 1).stripTrailing();
            }
            if (pending == null) {
                if (code.isBlank()) {
                    continue;
                }
                pending = new StringBuilder(code.strip());
                pendingLine = i + 1;
            } else if (!code.isBlank()) {
                pending.append(' ').append(code.strip());
            }
            if (!continues) {
                commands.add(command(pendingLine, pending.toString()));
                pending = null;
            }
        }
        throw new IllegalArgumentException("the code block of '" + heading + "' is never closed");
    }

    private static Command command(int line, String text) {
        boolean ampersand = text.endsWith("&") && !text.endsWith("&&");
        String command = ampersand ? text.substring(0, text.length() - 1).stripTrailing() : text;
        Kind kind;
        if (SERVER.matcher(command).matches()) {
            kind = Kind.SERVER;
        } else if (FAKE.matcher(command).matches()) {
            kind = Kind.FAKE_PROVIDER;
        } else {
            kind = ampersand ? Kind.OTHER_BACKGROUND : Kind.COMMAND;
        }
        return new Command(line, command, kind);
    }

    /**
     * The line without its shell comment: a {@code #} outside single and double quotes that starts
     * the line or follows white space begins one, as in bash.
     */
    static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (single) {
                single = c != '\'';
            } else if (c == '\\') {
                i++;
            } else if (dbl) {
                dbl = c != '"';
            } else if (c == '\'') {
                single = true;
            } else if (c == '"') {
                dbl = true;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
