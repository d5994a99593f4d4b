package dev.llava4j.llava.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What HF's {@code tokenizer_config.json}, {@code special_tokens_map.json} and {@code added_tokens.json}
 * say, each file optional. special_tokens_map.json overrides tokenizer_config.json, as in transformers.
 */
final class TokenizerSettings {

    static final String CONFIG_FILE = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";
    static final String ADDED_TOKENS_FILE = "added_tokens.json";

    /** null when no file says. */
    Boolean legacy;
    boolean addBos = true;
    boolean addEos = false;
    String bosToken;
    String eosToken;
    String unkToken;
    String padToken;
    final List<String> additionalSpecialTokens = new ArrayList<>();
    /** By id; the special flag comes from added_tokens_decoder when present. */
    final Map<Integer, AddedToken> addedTokens = new TreeMap<>();
    /** Where each added token came from, for error messages. */
    final Map<Integer, Path> addedTokenSources = new TreeMap<>();

    static TokenizerSettings read(Path dir) throws IOException {
        TokenizerSettings s = new TokenizerSettings();
        ObjectMapper mapper = new ObjectMapper();
        Path config = dir.resolve(CONFIG_FILE);
        if (Files.isRegularFile(config)) {
            JsonNode root = readObject(mapper, config);
            s.readConfig(config, root);
            s.readSpecialTokens(config, root);
        }
        Path specialMap = dir.resolve(SPECIAL_TOKENS_FILE);
        if (Files.isRegularFile(specialMap)) {
            s.readSpecialTokens(specialMap, readObject(mapper, specialMap));
        }
        Path added = dir.resolve(ADDED_TOKENS_FILE);
        if (Files.isRegularFile(added)) {
            s.readAddedTokensFile(added, readObject(mapper, added));
        }
        return s;
    }

    static JsonNode readObject(ObjectMapper mapper, Path file) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new TokenizerFormatException("invalid JSON in " + file + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException(file + " must contain a JSON object");
        }
        return root;
    }

    private void readConfig(Path file, JsonNode root) throws TokenizerFormatException {
        legacy = optionalBoolean(file, root, "legacy", legacy);
        addBos = optionalBoolean(file, root, "add_bos_token", addBos);
        addEos = optionalBoolean(file, root, "add_eos_token", addEos);
        JsonNode decoder = root.get("added_tokens_decoder");
        if (decoder != null && !decoder.isNull()) {
            if (!decoder.isObject()) {
                throw new TokenizerFormatException(file + ": added_tokens_decoder must be an object");
            }
            for (Map.Entry<String, JsonNode> e : decoder.properties()) {
                int id = parseId(file, "added_tokens_decoder key", e.getKey());
                JsonNode token = e.getValue();
                String content = tokenContent(file, "added_tokens_decoder." + e.getKey(), token);
                if (content == null) {
                    throw new TokenizerFormatException(file + ": added_tokens_decoder." + id + " has no content");
                }
                boolean special = token.isObject() && token.path("special").asBoolean(false);
                putAdded(file, new AddedToken(id, content, special));
            }
        }
    }

    private void readSpecialTokens(Path file, JsonNode root) throws TokenizerFormatException {
        bosToken = overrideToken(file, root, "bos_token", bosToken);
        eosToken = overrideToken(file, root, "eos_token", eosToken);
        unkToken = overrideToken(file, root, "unk_token", unkToken);
        padToken = overrideToken(file, root, "pad_token", padToken);
        JsonNode extra = root.get("additional_special_tokens");
        if (extra != null && !extra.isNull()) {
            if (!extra.isArray()) {
                throw new TokenizerFormatException(file + ": additional_special_tokens must be a list");
            }
            additionalSpecialTokens.clear();
            for (int i = 0; i < extra.size(); i++) {
                String content = tokenContent(file, "additional_special_tokens[" + i + "]", extra.get(i));
                if (content != null) {
                    additionalSpecialTokens.add(content);
                }
            }
        }
    }

    private void readAddedTokensFile(Path file, JsonNode root) throws TokenizerFormatException {
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                throw new TokenizerFormatException(file + ": id of '" + e.getKey() + "' must be an integer, got "
                        + e.getValue());
            }
            int id = e.getValue().intValue();
            AddedToken known = addedTokens.get(id);
            boolean special = known != null ? known.special() : isNamedSpecial(e.getKey());
            putAdded(file, new AddedToken(id, e.getKey(), special));
        }
    }

    private boolean isNamedSpecial(String content) {
        return content.equals(bosToken) || content.equals(eosToken) || content.equals(unkToken)
                || content.equals(padToken) || additionalSpecialTokens.contains(content);
    }

    private void putAdded(Path file, AddedToken token) throws TokenizerFormatException {
        if (token.id() < 0) {
            throw new TokenizerFormatException(file + ": added token '" + token.content() + "' has negative id "
                    + token.id());
        }
        AddedToken previous = addedTokens.get(token.id());
        if (previous != null && !previous.content().equals(token.content())) {
            throw new TokenizerFormatException(file + ": id " + token.id() + " is '" + token.content() + "' but "
                    + addedTokenSources.get(token.id()) + " says '" + previous.content() + "'");
        }
        addedTokens.put(token.id(), token);
        addedTokenSources.putIfAbsent(token.id(), file);
    }

    private static int parseId(Path file, String what, String text) throws TokenizerFormatException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new TokenizerFormatException(file + ": " + what + " '" + text + "' is not an integer id");
        }
    }

    private static Boolean optionalBoolean(Path file, JsonNode root, String field, Boolean fallback)
            throws TokenizerFormatException {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new TokenizerFormatException(file + ": " + field + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static boolean optionalBoolean(Path file, JsonNode root, String field, boolean fallback)
            throws TokenizerFormatException {
        return optionalBoolean(file, root, field, Boolean.valueOf(fallback));
    }

    /** An explicit JSON null clears the token (e.g. "pad_token": null); an absent field keeps the old value. */
    private static String overrideToken(Path file, JsonNode root, String field, String previous)
            throws TokenizerFormatException {
        if (!root.has(field)) {
            return previous;
        }
        return tokenContent(file, field, root.get(field));
    }

    /** A token is written as a string or as an object with "content"; null stays null. */
    private static String tokenContent(Path file, String field, JsonNode v) throws TokenizerFormatException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isObject() && v.path("content").isTextual()) {
            return v.get("content").textValue();
        }
        throw new TokenizerFormatException(file + ": " + field + " must be a string or an object with 'content', got "
                + v);
    }
}
