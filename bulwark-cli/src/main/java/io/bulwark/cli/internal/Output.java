package io.bulwark.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints data as an aligned table or as JSON, per {@code --output}. */
public final class Output {

    /** The formats {@code --output} accepts. */
    public enum Format { table, json }

    private Output() {
    }

    /** Prints {@code rows} (each a column → value map, in column order) as a table. */
    public static void table(PrintWriter out, List<String> columns, List<Map<String, Object>> rows) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (Map<String, Object> row : rows) {
                widths[i] = Math.max(widths[i], cell(row.get(columns.get(i))).length());
            }
        }
        out.println(line(columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList(), widths));
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            columns.forEach(c -> cells.add(cell(row.get(c))));
            out.println(line(cells, widths));
        }
        out.flush();
    }

    /** Prints {@code value} as indented JSON. */
    public static void json(PrintWriter out, Object value) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw CliException.failure("cannot render JSON: " + e.getOriginalMessage());
        }
    }

    private static String cell(Object v) {
        return v == null ? "-" : String.valueOf(v);
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            String c = cells.get(i);
            sb.append(c);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - c.length()));
            }
        }
        return sb.toString();
    }
}
