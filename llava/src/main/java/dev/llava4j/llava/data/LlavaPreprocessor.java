package dev.llava4j.llava.data;

import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LLaVA's official training-sample preprocessing (llava/train/train.py {@code preprocess_multimodal},
 * {@code preprocess_v1}, {@code preprocess_plain}; llava/mm_utils.py {@code tokenizer_image_token}),
 * reproduced step by step so that input_ids and labels match the official trainer exactly (LLAVA_SPEC 6.4).
 */
public final class LlavaPreprocessor {

    /** Label of positions without loss. */
    public static final int IGNORE_INDEX = -100;
    /** Placeholder id where the image features are spliced in. */
    public static final int IMAGE_TOKEN_INDEX = -200;
    public static final String IMAGE_TOKEN = "<image>";
    /** tokenizer_model_max_length of the released LLaVA-1.5 configs. */
    public static final int DEFAULT_MAX_LENGTH = 2048;

    private static final System.Logger LOG = System.getLogger(LlavaPreprocessor.class.getName());

    private LlavaPreprocessor() {
    }

    /**
     * Every message that contains {@code <image>} has it removed, is stripped, and gets {@code "<image>\n"}
     * in front (then stripped again, as the official code does), so the image leads its message.
     */
    public static List<LlavaRecord.Message> preprocessMultimodal(List<LlavaRecord.Message> messages) {
        List<LlavaRecord.Message> out = new ArrayList<>(messages.size());
        for (LlavaRecord.Message m : messages) {
            String value = m.value();
            if (value.contains(IMAGE_TOKEN)) {
                value = PythonText.strip(value.replace(IMAGE_TOKEN, ""));
                value = PythonText.strip(IMAGE_TOKEN + "\n" + value);
            }
            out.add(new LlavaRecord.Message(m.from(), value));
        }
        return out;
    }

    /**
     * Splits the prompt on {@code <image>}, tokenizes every chunk as {@code tokenizer(chunk)} does, keeps the
     * BOS of the first chunk only and joins the chunks with {@link #IMAGE_TOKEN_INDEX}. Every chunk is
     * encoded separately, so the text after an image gets its own dummy-prefix space.
     */
    public static int[] tokenizerImageToken(String prompt, LlamaTokenizer tokenizer) {
        List<int[]> chunks = new ArrayList<>();
        for (String chunk : PythonText.split(prompt, IMAGE_TOKEN)) {
            chunks.add(tokenizer.encode(chunk));
        }
        int[] first = chunks.getFirst();
        // The official code drops element 0 of every chunk only when the first chunk starts with BOS.
        int offset = first.length > 0 && first[0] == tokenizer.bosId() ? 1 : 0;
        List<Integer> ids = new ArrayList<>();
        if (offset == 1) {
            ids.add(first[0]);
        }
        for (int c = 0; c < chunks.size(); c++) {
            if (c > 0) {
                ids.add(IMAGE_TOKEN_INDEX);
            }
            int[] chunk = chunks.get(c);
            for (int i = Math.min(offset, chunk.length); i < chunk.length; i++) {
                ids.add(chunk[i]);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@link #preprocess(LlavaRecord, ChatTemplate, LlamaTokenizer, int)} with a template name ("v1", "plain"). */
    public static TokenizedSample preprocess(LlavaRecord record, String template, LlamaTokenizer tokenizer,
                                             int maxLength) {
        return preprocess(record, ChatTemplate.named(template), tokenizer, maxLength);
    }

    /**
     * One record to (input_ids, labels), truncated to {@code maxLength}. Throws IllegalArgumentException
     * where the official code would fail an assertion (turns not alternating, an unknown role, a plain
     * record without exactly 2 messages or without {@code <image>} in the first).
     */
    public static TokenizedSample preprocess(LlavaRecord record, ChatTemplate template, LlamaTokenizer tokenizer,
                                             int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        List<LlavaRecord.Message> messages = record.hasImage()
                ? preprocessMultimodal(record.conversations()) : record.conversations();
        return switch (template.style()) {
            case PLAIN -> preprocessPlain(record, messages, template, tokenizer, maxLength);
            case TWO -> preprocessV1(record, messages, template, tokenizer, maxLength);
        };
    }

    /** The text the record is tokenized from (what {@link #preprocess} builds before tokenizing). */
    public static String prompt(LlavaRecord record, ChatTemplate template) {
        List<LlavaRecord.Message> messages = record.hasImage()
                ? preprocessMultimodal(record.conversations()) : record.conversations();
        return switch (template.style()) {
            case PLAIN -> plainPrompt(record, messages, template);
            case TWO -> twoStylePrompt(record, messages, template);
        };
    }

    // ------------------------------------------------------------------ stage 1 (plain)

    private static String plainPrompt(LlavaRecord record, List<LlavaRecord.Message> messages, ChatTemplate template) {
        if (messages.size() != 2) {
            throw new IllegalArgumentException("record '" + record.id() + "': the plain template needs exactly 2 "
                    + "messages (instruction, caption), found " + messages.size());
        }
        if (!messages.get(0).value().contains(IMAGE_TOKEN)) {
            throw new IllegalArgumentException("record '" + record.id() + "': the plain template needs "
                    + IMAGE_TOKEN + " in the first message");
        }
        // The instruction is replaced by the bare image token.
        return IMAGE_TOKEN + messages.get(1).value() + template.sep();
    }

    private static TokenizedSample preprocessPlain(LlavaRecord record, List<LlavaRecord.Message> messages,
                                                   ChatTemplate template, LlamaTokenizer tokenizer, int maxLength) {
        int[] ids = tokenizerImageToken(plainPrompt(record, messages, template), tokenizer);
        int[] labels = ids.clone();
        ignore(labels, 0, tokenizerImageToken(IMAGE_TOKEN, tokenizer).length);
        return truncated(ids, labels, maxLength);
    }

    // ------------------------------------------------------------------ stage 2 (v1)

    private static String twoStylePrompt(LlavaRecord record, List<LlavaRecord.Message> messages,
                                         ChatTemplate template) {
        List<LlavaRecord.Message> turns = messages;
        if (!turns.isEmpty() && !roleOf(record, 0, turns.get(0), template).equals(template.userRole())) {
            turns = turns.subList(1, turns.size()); // a conversation opened by gpt loses that message
        }
        Conversation conv = template.newConversation();
        for (int j = 0; j < turns.size(); j++) {
            String role = roleOf(record, j, turns.get(j), template);
            String expected = j % 2 == 0 ? template.userRole() : template.assistantRole();
            if (!role.equals(expected)) {
                throw new IllegalArgumentException("record '" + record.id() + "': turn " + j + " is from '"
                        + turns.get(j).from() + "' but turns must alternate human, gpt, human, ...");
            }
            conv.append(role, turns.get(j).value());
        }
        return conv.prompt();
    }

    private static String roleOf(LlavaRecord record, int index, LlavaRecord.Message m, ChatTemplate template) {
        return switch (m.from()) {
            case LlavaRecord.HUMAN -> template.userRole();
            case LlavaRecord.GPT -> template.assistantRole();
            default -> throw new IllegalArgumentException("record '" + record.id() + "': message " + index
                    + " has from='" + m.from() + "'; only 'human' and 'gpt' are known");
        };
    }

    private static TokenizedSample preprocessV1(LlavaRecord record, List<LlavaRecord.Message> messages,
                                                ChatTemplate template, LlamaTokenizer tokenizer, int maxLength) {
        String conversation = twoStylePrompt(record, messages, template);
        boolean hasImage = record.hasImage();
        int[] ids;
        if (hasImage) {
            ids = tokenizerImageToken(conversation, tokenizer);
        } else {
            // text-only samples go through tokenizer(..., max_length=model_max_length, truncation=True)
            int[] all = tokenizer.encode(conversation);
            ids = Arrays.copyOf(all, Math.min(maxLength, all.length));
        }
        int[] labels = ids.clone();
        // train() sets pad_token = unk_token, and the length check counts ids != pad
        int padId = tokenizer.unkId();
        int totalLen = (int) Arrays.stream(ids).filter(id -> id != padId).count();

        String sep = template.sep() + template.assistantRole() + ": ";
        int cur = 1;
        ignore(labels, 0, cur);
        List<String> rounds = PythonText.split(conversation, template.sep2());
        for (int i = 0; i < rounds.size(); i++) {
            String round = rounds.get(i);
            if (round.isEmpty()) {
                break;
            }
            List<String> parts = PythonText.split(round, sep);
            if (parts.size() != 2) {
                break;
            }
            String instruction = parts.get(0) + sep;
            // round_len counts BOS in place of the round's "</s>"; -2 = BOS and the "▁" of the trailing space
            int roundLen = tokenCount(round, hasImage, tokenizer);
            int instructionLen = tokenCount(instruction, hasImage, tokenizer) - 2;
            if (i != 0 && !tokenizer.legacy()) {
                // non-legacy: "</s>USER" loses the dummy "▁" that a standalone "USER..." gets
                roundLen -= 1;
                instructionLen -= 1;
            }
            ignore(labels, cur, cur + instructionLen);
            cur += roundLen;
        }
        ignore(labels, cur, labels.length);
        if (cur < maxLength && cur != totalLen) {
            Arrays.fill(labels, IGNORE_INDEX);
            LOG.log(System.Logger.Level.WARNING, "tokenization mismatch in record ''{0}'': {1} vs. {2} (ignored)",
                    record.id(), cur, totalLen);
        }
        return truncated(ids, labels, maxLength);
    }

    private static int tokenCount(String text, boolean hasImage, LlamaTokenizer tokenizer) {
        return hasImage ? tokenizerImageToken(text, tokenizer).length : tokenizer.encode(text).length;
    }

    /** Python slice assignment {@code labels[from:to] = IGNORE_INDEX}, clipped to the array. */
    private static void ignore(int[] labels, int from, int to) {
        int start = Math.max(0, Math.min(from, labels.length));
        int end = Math.max(start, Math.min(to, labels.length));
        Arrays.fill(labels, start, end, IGNORE_INDEX);
    }

    private static TokenizedSample truncated(int[] ids, int[] labels, int maxLength) {
        int n = Math.min(ids.length, maxLength);
        return new TokenizedSample(Arrays.copyOf(ids, n), Arrays.copyOf(labels, n));
    }
}
