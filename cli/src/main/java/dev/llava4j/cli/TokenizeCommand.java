package dev.llava4j.cli;

import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./llava4j tokenize --model DIR [--json] TEXT}: the token ids (and pieces) of a text. */
@Command(name = "tokenize", description = "Encode TEXT with a model folder's tokenizer (BOS as its config adds it).")
public final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Folder with tokenizer.model or tokenizer.json, plus optional tokenizer_config.json, "
                    + "special_tokens_map.json, added_tokens.json.")
    Path model;

    @Option(names = "--json", description = "Print {\"ids\":[...]} instead of one id and piece per line.")
    boolean json;

    @Parameters(paramLabel = "TEXT", description = "The text to encode, exactly as given; '-' reads standard input.")
    String text;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LlamaTokenizer tokenizer;
        String input;
        try {
            tokenizer = LlamaTokenizer.load(model);
            input = text.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : text;
        } catch (IOException e) {
            err.println("tokenize: " + e.getMessage());
            return 2;
        }
        int[] ids = tokenizer.encode(input);
        if (json) {
            out.println("{\"ids\":" + Arrays.toString(ids).replace(" ", "") + "}");
        } else {
            for (int id : ids) {
                out.printf("%6d  %s%n", id, printable(tokenizer.piece(id)));
            }
        }
        out.flush();
        return 0;
    }

    /** Control characters (a "\r" piece, say) are shown escaped so that every piece stays on its line. */
    static String printable(String piece) {
        StringBuilder sb = new StringBuilder();
        piece.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(cp)) {
                        sb.append(String.format("\\u%04X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }
}
