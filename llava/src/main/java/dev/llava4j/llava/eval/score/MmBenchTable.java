package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.py.PyFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An MMBench .tsv as pandas 1.5 {@code read_table} sees it: tab-separated, a header row, '"'-quoted
 * fields may hold tabs and line breaks, and pandas' default NA strings (empty, "NA", "nan", "null", ...)
 * become missing values (null here). A column whose present cells are all numbers is numeric in
 * pandas; {@link #str} renders such cells as Python's {@code str()} would (an int column with a missing
 * cell becomes float, so "2" reads "2.0").
 */
public final class MmBenchTable {

    /** pandas 1.5 {@code STR_NA_VALUES} (pandas 2 adds "None"). */
    public static final Set<String> NA_VALUES = Set.of("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN",
            "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null");

    private static final Pattern INT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    /** How pandas typed a column. */
    public enum ColumnType { INT, FLOAT, TEXT }

    private final Path file;
    private final List<String> columns;
    private final List<Map<String, String>> rows;
    private final Map<String, ColumnType> types = new HashMap<>();

    private MmBenchTable(Path file, List<String> columns, List<Map<String, String>> rows) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
        for (String c : columns) {
            types.put(c, inferType(c));
        }
    }

    public static MmBenchTable read(Path file) {
        List<List<String>> records = parse(Json.readText(file), file);
        if (records.isEmpty()) {
            throw new EvalInputException(file + ": empty table");
        }
        List<String> columns = records.getFirst();
        List<Map<String, String>> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> fields = records.get(r);
            if (fields.size() == 1 && fields.getFirst().isEmpty()) {
                continue; // blank line, which pandas skips
            }
            if (fields.size() > columns.size()) {
                throw new EvalInputException(file + " row " + r + ": " + fields.size() + " fields, header has " + columns.size());
            }
            Map<String, String> row = new HashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                String v = c < fields.size() ? fields.get(c) : "";
                row.put(columns.get(c), NA_VALUES.contains(v) ? null : v);
            }
            rows.add(row);
        }
        return new MmBenchTable(file, List.copyOf(columns), List.copyOf(rows));
    }

    /** Splits the text into records of fields (pandas' C parser with quotechar '"', doublequote=True). */
    private static List<List<String>> parse(String text, Path file) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStart = true;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < n && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
                continue;
            }
            if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                records.add(fields);
                fields = new ArrayList<>();
                field.setLength(0);
                fieldStart = true;
            } else {
                field.append(c);
                fieldStart = false;
            }
        }
        if (quoted) {
            throw new EvalInputException(file + ": unterminated quoted field");
        }
        if (!fieldStart || !fields.isEmpty() || field.length() > 0) {
            fields.add(field.toString());
            records.add(fields);
        }
        return records;
    }

    private ColumnType inferType(String column) {
        boolean allInt = true;
        boolean anyMissing = false;
        boolean anyPresent = false;
        for (Map<String, String> row : rows) {
            String v = row.get(column);
            if (v == null) {
                anyMissing = true;
                continue;
            }
            anyPresent = true;
            if (!FLOAT.matcher(v).matches()) {
                return ColumnType.TEXT;
            }
            allInt &= INT.matcher(v).matches();
        }
        if (!anyPresent) {
            return ColumnType.FLOAT; // an all-NaN column is float64 in pandas
        }
        return allInt && !anyMissing ? ColumnType.INT : ColumnType.FLOAT;
    }

    public Path file() {
        return file;
    }

    public List<String> columns() {
        return columns;
    }

    public List<Map<String, String>> rows() {
        return rows;
    }

    public boolean hasColumn(String column) {
        return columns.contains(column);
    }

    public ColumnType type(String column) {
        return types.get(column);
    }

    /** A cell as Python's {@code str()} of the pandas value; null for a missing value. */
    public String str(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            return null;
        }
        return switch (types.get(column)) {
            case INT -> new java.math.BigInteger(v.startsWith("+") ? v.substring(1) : v).toString();
            case FLOAT -> PyFormat.repr(Double.parseDouble(v));
            case TEXT -> v;
        };
    }

    /** The "index" column of a row, which must be an integer. */
    public long index(Map<String, String> row) {
        String v = row.get("index");
        if (v == null || !INT.matcher(v).matches()) {
            throw new EvalInputException(file + ": every row needs an integer index, found " + v);
        }
        return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
    }
}
