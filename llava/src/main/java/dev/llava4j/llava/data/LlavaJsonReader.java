package dev.llava4j.llava.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads LLaVA training data: a {@code .json} array of records or a {@code .jsonl} file with one record per
 * line. A malformed record is skipped and counted, and the first few reasons are kept, instead of failing
 * the whole file: a line that is not JSON, a missing id, missing or empty conversations, messages without
 * string from/value, roles other than human/gpt, turns that do not alternate or end without an answer,
 * more than one image placeholder, an image path that is absolute or contains {@code ..}, and (when an
 * image folder is given) an image file that does not exist. Only a file that cannot be parsed at all
 * (a broken {@code .json} array) is an error.
 */
public final class LlavaJsonReader {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Path imageFolder;

    /** @param imageFolder the image root records are relative to, or null to skip the existence check */
    public LlavaJsonReader(Path imageFolder) {
        this.imageFolder = imageFolder;
    }

    /** Why one record was skipped. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Collects records and problems while reading. */
    private static final class Collector {
        final Path file;
        final List<LlavaRecord> records = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int skipped;

        Collector(Path file) {
            this.file = file;
        }

        void skip(String where, String id, String problem) {
            skipped++;
            if (problems.size() < LlavaDataset.MAX_PROBLEMS_KEPT) {
                problems.add(file.getFileName() + " " + where + (id != null ? " (id '" + id + "')" : "") + ": "
                        + problem);
            }
        }

        LlavaDataset result() {
            return new LlavaDataset(file, records, skipped, problems);
        }
    }

    public LlavaDataset read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new LlavaDataFormatException("data file " + file + " does not exist or is not a file");
        }
        Collector c = new Collector(file);
        if (file.getFileName().toString().endsWith(".jsonl")) {
            readLines(file, c);
        } else {
            readArray(file, c);
        }
        return c.result();
    }

    private void readLines(Path file, Collector c) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = mapper.readTree(line);
                } catch (JacksonException e) {
                    c.skip("line " + lineNumber, null, "malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
                accept(node, "line " + lineNumber, c);
            }
        }
    }

    private void readArray(Path file, Collector c) throws IOException {
        try (JsonParser p = mapper.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new LlavaDataFormatException(file + ": expected a JSON array of records"
                        + " (name the file .jsonl for one record per line)");
            }
            int index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw new LlavaDataFormatException(file + ": the JSON array is not closed (file truncated?)");
                }
                JsonNode node = mapper.readTree(p);
                accept(node, "record #" + index, c);
                index++;
            }
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw new LlavaDataFormatException(file + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    private void accept(JsonNode node, String where, Collector c) {
        try {
            c.records.add(parseRecord(node));
        } catch (Malformed e) {
            String id = node.isObject() && node.path("id").isValueNode() ? node.get("id").asText() : null;
            c.skip(where, id, e.getMessage());
        }
    }

    private LlavaRecord parseRecord(JsonNode node) throws Malformed {
        if (!node.isObject()) {
            throw new Malformed("not a JSON object");
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || idNode.isNull()) {
            throw new Malformed("missing id");
        }
        if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
            throw new Malformed("id must be a string or an integer, got " + idNode);
        }
        String image = node.has("image") ? checkImage(node.get("image")) : null;
        List<LlavaRecord.Message> messages = parseConversations(node.get("conversations"));
        checkTurns(messages);
        if (image != null) {
            long withImage = messages.stream().filter(m -> m.value().contains(LlavaPreprocessor.IMAGE_TOKEN)).count();
            if (withImage > 1) {
                throw new Malformed(LlavaPreprocessor.IMAGE_TOKEN + " appears in " + withImage
                        + " messages; a record has one image");
            }
        }
        return new LlavaRecord(idNode.asText(), image, messages);
    }

    private String checkImage(JsonNode imageNode) throws Malformed {
        if (!imageNode.isTextual() || imageNode.textValue().isEmpty()) {
            throw new Malformed("image must be a non-empty relative path, got " + imageNode);
        }
        String image = imageNode.textValue();
        Path relative;
        try {
            relative = Path.of(image);
        } catch (InvalidPathException e) {
            throw new Malformed("invalid image path '" + image + "': " + e.getReason());
        }
        if (relative.isAbsolute() || image.startsWith("/") || image.startsWith("\\")) {
            throw new Malformed("image path '" + image + "' is absolute; it must be relative to the image folder");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new Malformed("image path '" + image + "' escapes the image folder ('..')");
            }
        }
        if (imageFolder != null) {
            Path file = imageFolder.resolve(relative);
            if (!Files.isRegularFile(file)) {
                throw new Malformed("image file not found: " + file);
            }
        }
        return image;
    }

    private static List<LlavaRecord.Message> parseConversations(JsonNode list) throws Malformed {
        if (list == null || list.isNull()) {
            throw new Malformed("missing conversations");
        }
        if (!list.isArray()) {
            throw new Malformed("conversations must be a list, got " + list.getNodeType());
        }
        if (list.isEmpty()) {
            throw new Malformed("conversations is empty");
        }
        List<LlavaRecord.Message> messages = new ArrayList<>();
        for (int j = 0; j < list.size(); j++) {
            JsonNode m = list.get(j);
            if (!m.path("from").isTextual() || !m.path("value").isTextual()) {
                throw new Malformed("conversations[" + j + "] needs string 'from' and 'value'");
            }
            String from = m.get("from").textValue();
            if (!from.equals(LlavaRecord.HUMAN) && !from.equals(LlavaRecord.GPT)) {
                throw new Malformed("conversations[" + j + "] has from='" + from
                        + "'; only 'human' and 'gpt' are known");
            }
            messages.add(new LlavaRecord.Message(from, m.get("value").textValue()));
        }
        return messages;
    }

    /** After a leading gpt message (which the trainer drops), turns must be human, gpt, human, gpt, ... */
    private static void checkTurns(List<LlavaRecord.Message> messages) throws Malformed {
        int start = messages.get(0).from().equals(LlavaRecord.GPT) ? 1 : 0;
        int turns = messages.size() - start;
        if (turns == 0) {
            throw new Malformed("no human turn (the only message is from gpt)");
        }
        for (int j = 0; j < turns; j++) {
            String expected = j % 2 == 0 ? LlavaRecord.HUMAN : LlavaRecord.GPT;
            String from = messages.get(start + j).from();
            if (!from.equals(expected)) {
                throw new Malformed("turns do not alternate: conversations[" + (start + j) + "] is from '" + from
                        + "' where '" + expected + "' is expected");
            }
        }
        if (turns % 2 != 0) {
            throw new Malformed("odd number of turns (" + turns + (start == 1 ? " after the leading gpt message" : "")
                    + "): the last human turn has no answer");
        }
    }
}
