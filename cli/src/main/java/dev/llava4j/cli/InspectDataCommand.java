package dev.llava4j.cli;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaDataset;
import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./llava4j inspect-data}: one training record as the official LLaVA trainer tokenizes it, with the
 * supervised tokens highlighted.
 */
@Command(name = "inspect-data",
        description = "Show input_ids and labels of one LLaVA training record (supervised tokens in green).")
public final class InspectDataCommand implements Callable<Integer> {

    private static final String GREEN = "\u001b[32m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Folder with the tokenizer files.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "LLaVA data: a .json array of records or a .jsonl file.")
    Path data;

    @Option(names = "--image-folder", paramLabel = "DIR",
            description = "Root the records' image paths are relative to (checked for existence when given).")
    Path imageFolder;

    @Option(names = "--template", defaultValue = "v1", paramLabel = "NAME",
            description = "v1 (stage 2, vicuna_v1) or plain (stage 1). Default: ${DEFAULT-VALUE}.")
    String template;

    @Option(names = "--index", defaultValue = "0", paramLabel = "K",
            description = "Which record, counting valid records only (malformed ones are skipped). Default: 0.")
    int index;

    @Option(names = "--max-length", defaultValue = "2048", paramLabel = "N",
            description = "tokenizer_model_max_length (truncation). Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--legacy", arity = "1", paramLabel = "true|false",
            description = "Override the tokenizer's legacy flag (LLaVA-1.5 training behaved as legacy=true).")
    Boolean legacy;

    @Option(names = "--json", description = "Print {\"input_ids\":[...],\"labels\":[...]}.")
    boolean json;

    @Option(names = "--no-color", description = "Mark supervised tokens with [[ ]] instead of ANSI colours.")
    boolean noColor;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            LlamaTokenizer tokenizer = LlamaTokenizer.load(model);
            if (legacy != null) {
                tokenizer = tokenizer.withLegacy(legacy);
            }
            ChatTemplate chatTemplate = ChatTemplate.named(template);
            LlavaDataset dataset = new LlavaJsonReader(imageFolder).read(data);
            if (dataset.skipped() > 0) {
                err.println("inspect-data: skipped " + dataset.skipped() + " malformed record(s) of " + data
                        + "; first problems:");
                dataset.problems().forEach(p -> err.println("  " + p));
            }
            LlavaRecord record = dataset.get(index);
            TokenizedSample sample = LlavaPreprocessor.preprocess(record, chatTemplate, tokenizer, maxLength);
            if (json) {
                out.println("{\"input_ids\":" + compact(sample.inputIds()) + ",\"labels\":" + compact(sample.labels())
                        + "}");
            } else {
                printView(out, dataset, record, chatTemplate, sample, tokenizer);
            }
            out.flush();
            err.flush();
            return 0;
        } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            err.println("inspect-data: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private static String compact(int[] values) {
        return Arrays.toString(values).replace(" ", "");
    }

    private void printView(PrintWriter out, LlavaDataset dataset, LlavaRecord record, ChatTemplate chatTemplate,
                           TokenizedSample sample, LlamaTokenizer tokenizer) {
        out.println("record:   " + record.id() + " (#" + index + " of " + dataset.size() + " valid records)");
        out.println("image:    " + (record.hasImage() ? record.image() : "(none, text-only)"));
        out.println("template: " + chatTemplate.name() + ", tokenizer legacy=" + tokenizer.legacy());
        out.println("tokens:   " + sample.length() + ", supervised " + sample.numSupervised() + ", image placeholders "
                + sample.numImageTokens());
        out.println(noColor ? "legend:   [[supervised]] ignored"
                : "legend:   " + GREEN + "supervised" + RESET + " " + DIM + "ignored (-100)" + RESET);
        out.println();
        int[] ids = sample.inputIds();
        int[] labels = sample.labels();
        StringBuilder sb = new StringBuilder();
        boolean open = false;
        for (int i = 0; i < ids.length; i++) {
            boolean supervised = labels[i] != LlavaPreprocessor.IGNORE_INDEX;
            String text = tokenText(ids[i], tokenizer);
            if (noColor) {
                if (supervised && !open) {
                    sb.append("[[");
                } else if (!supervised && open) {
                    sb.append("]]");
                }
                open = supervised;
                sb.append(text);
            } else {
                sb.append(supervised ? GREEN : DIM).append(text).append(RESET);
            }
        }
        if (open) {
            sb.append("]]");
        }
        out.println(sb);
    }

    /** Piece text as it reads: U+2581 as a space, the newline byte as a line break, -200 as {@code <image>}. */
    private static String tokenText(int id, LlamaTokenizer tokenizer) {
        if (id == LlavaPreprocessor.IMAGE_TOKEN_INDEX) {
            return LlavaPreprocessor.IMAGE_TOKEN;
        }
        String piece = tokenizer.piece(id);
        if (piece.equals("<0x0A>")) {
            return "\n";
        }
        return piece.replace('\u2581', ' ');
    }
}
