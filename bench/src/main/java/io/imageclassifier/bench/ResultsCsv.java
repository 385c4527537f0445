package io.imageclassifier.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures as CSV in long form, one figure a line: {@code phase,level,metric,value,unit}
 * (e.g. {@code sweep,clients=8,p99_ms,812.0,ms}), easy to filter or pivot.
 */
public final class ResultsCsv {

    public static final String HEADER = "phase,level,metric,value,unit";

    private final List<String> lines = new ArrayList<>();

    public ResultsCsv add(String phase, String level, String metric, double value, String unit) {
        lines.add(String.join(",", field(phase), field(level), field(metric), number(value), field(unit)));
        return this;
    }

    public ResultsCsv add(String phase, String level, String metric, String value, String unit) {
        lines.add(String.join(",", field(phase), field(level), field(metric), field(value), field(unit)));
        return this;
    }

    /** The whole file: header, one line per figure, CRLF-free, ending with a newline. */
    public String render() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Up to 3 decimals without trailing zeros; empty for NaN (a figure not measured). */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String s = String.format(Locale.ROOT, "%.3f", value);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** RFC 4180 quoting where needed. */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
