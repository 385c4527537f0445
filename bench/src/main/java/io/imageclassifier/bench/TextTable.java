package io.imageclassifier.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A plain-text table: a header, rows, columns padded to their widest cell; numbers right-aligned. */
public final class TextTable {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    public TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(TextTable::cell).toList());
        return this;
    }

    public int size() {
        return rows.size();
    }

    /** One decimal for doubles, "-" for NaN and null, the rest as text. */
    static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Double d) {
            return format(d, 1);
        }
        if (value instanceof Float f) {
            return format(f, 1);
        }
        return value.toString();
    }

    /** A number with {@code decimals} decimals (dot as separator), "-" when it is NaN or infinite. */
    public static String format(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "-";
    }

    private static boolean numeric(String cell) {
        return cell.equals("-") || cell.matches("[-+]?[0-9][0-9.,]*\\s*%?");
    }

    /** The table, each line indented by {@code indent}, ending with a newline. */
    public String render(String indent) {
        int columns = headers.size();
        int[] width = new int[columns];
        boolean[] right = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            width[c] = headers.get(c).length();
            right[c] = !rows.isEmpty();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
                right[c] &= numeric(row.get(c));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, indent, headers, width, right);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < columns; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        out.append(indent).append(rule).append('\n');
        for (List<String> row : rows) {
            line(out, indent, row, width, right);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String indent, List<String> cells, int[] width, boolean[] right) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(right[c] ? pad + cell : cell + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    @Override
    public String toString() {
        return render("");
    }
}
