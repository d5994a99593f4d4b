package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.score.MmBenchScorer;
import dev.llava4j.llava.eval.score.MmBenchTable;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's {@code convert_mmbench_for_submission.py}: the split's .tsv without the hint, category,
 * source, image, comment and l2-category columns, with {@code prediction} inserted as the 7th column
 * (index question A B C D prediction answer split), rows in .tsv order, written as an xlsx (sheet
 * "Sheet1", header row, missing values as empty cells) for the OpenCompass MMBench server.
 */
public final class MmBenchConverter implements Converter {

    private static final List<String> DROPPED = List.of("hint", "category", "source", "image", "comment", "l2-category");
    private static final int PREDICTION_COLUMN = 6;

    private final String name;

    /** @param name "mmbench" or "mmbench_cn" */
    public MmBenchConverter(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String inputsHelp() {
        return "--annotations the split's .tsv; --out answers_upload/<split>/<ckpt>.xlsx";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        Path tsv = inputs.requireAnnotations(name, "the split's .tsv");
        MmBenchTable table = MmBenchTable.read(tsv);
        AnswerFile answers = AnswerFile.read(inputs.answers());
        Map<Object, String> predictions = MmBenchScorer.predictions(answers);
        List<String> columns = uploadColumns(table);
        try {
            OutputFiles.createParent(out);
            try (OutputStream os = Files.newOutputStream(out); Workbook wb = new Workbook(os, "llava4j", "1.0")) {
                Worksheet ws = wb.newWorksheet("Sheet1");
                for (int c = 0; c < columns.size(); c++) {
                    ws.value(0, c, columns.get(c));
                }
                int r = 1;
                for (Map<String, String> row : table.rows()) {
                    for (int c = 0; c < columns.size(); c++) {
                        String column = columns.get(c);
                        if (column.equals("prediction")) {
                            String p = predictions.get(BigInteger.valueOf(table.index(row)));
                            if (p != null) {
                                ws.value(r, c, p);
                            }
                        } else {
                            writeCell(ws, r, c, table, row, column);
                        }
                    }
                    r++;
                }
            }
        } catch (IOException e) {
            throw new EvalInputException("cannot write " + out + ": " + e.getMessage(), e);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rows", table.rows().size());
        return new ConvertResult(name, out, summary, AnswerWarnings.of(answers));
    }

    /** The .tsv columns minus the dropped ones, with "prediction" inserted at position 6. */
    static List<String> uploadColumns(MmBenchTable table) {
        for (String c : DROPPED) {
            if (!table.hasColumn(c)) {
                throw new EvalInputException(table.file() + ": no \"" + c + "\" column (the converter drops it)");
            }
        }
        List<String> columns = new ArrayList<>(table.columns());
        columns.removeAll(DROPPED);
        if (columns.size() < PREDICTION_COLUMN) {
            throw new EvalInputException(table.file() + ": too few columns to insert prediction at position 6");
        }
        columns.add(PREDICTION_COLUMN, "prediction");
        return columns;
    }

    /** Numeric columns (as pandas typed them) become number cells, the rest strings; missing stays empty. */
    private static void writeCell(Worksheet ws, int r, int c, MmBenchTable table, Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            return;
        }
        switch (table.type(column)) {
            case INT -> ws.value(r, c, new BigInteger(v.startsWith("+") ? v.substring(1) : v));
            case FLOAT -> ws.value(r, c, Double.parseDouble(v));
            case TEXT -> ws.value(r, c, v);
        }
    }
}
