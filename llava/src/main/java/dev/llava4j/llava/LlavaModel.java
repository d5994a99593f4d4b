package dev.llava4j.llava;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.HfChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.ClipProcessorConfig;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.llava.model.LlavaConfig;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.LlavaWeights;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded LLaVA checkpoint ready to answer questions about images:
 * <pre>
 * try (LlavaModel model = LlavaModel.load(Path.of("llava-1.5-7b-hf"))) {
 *     String answer = model.generate(Path.of("photo.jpg"), "What is in the image?", GenerationOptions.greedy(128));
 * }
 * </pre>
 * Weights stay memory-mapped in their stored dtype unless {@link LoadOptions#dtype()} asks for a conversion.
 */
public final class LlavaModel implements AutoCloseable {
    /** How to load: a separate CLIP folder (original checkpoints), a weight dtype (null = as stored), the image mode. */
    public record LoadOptions(Path visionTower, DType dtype, LlavaImagePipeline.AspectRatio aspectRatio) {
        public static LoadOptions defaults() {
            return new LoadOptions(null, null, null);
        }
    }

    private final LlavaWeights weights;
    private final LlamaTokenizer tokenizer;
    private final LlavaImagePipeline images;
    private final Path dir;

    private LlavaModel(Path dir, LlavaWeights weights, LlamaTokenizer tokenizer, LlavaImagePipeline images) {
        this.dir = dir;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.images = images;
    }

    public static LlavaModel load(Path dir) throws IOException {
        return load(dir, LoadOptions.defaults());
    }

    public static LlavaModel load(Path dir, LoadOptions options) throws IOException {
        LlavaWeights weights = LlavaWeights.load(dir, options.visionTower(), options.dtype());
        try {
            LlamaTokenizer tokenizer = hasTokenizer(dir) ? LlamaTokenizer.load(dir) : null;
            LlavaConfig config = weights.model().config();
            LlavaImagePipeline.AspectRatio mode = options.aspectRatio() != null ? options.aspectRatio()
                    : LlavaImagePipeline.AspectRatio.fromConfigValue(config.imageAspectRatio());
            return new LlavaModel(dir, weights, tokenizer, new LlavaImagePipeline(imageProcessor(dir, options.visionTower(), config), mode));
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    static boolean hasTokenizer(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.model")) || Files.isRegularFile(dir.resolve("tokenizer.json"));
    }

    /** preprocessor_config.json of the checkpoint, else of the vision tower folder, else CLIP's at the tower's size. */
    static ClipImageProcessor imageProcessor(Path dir, Path visionTower, LlavaConfig config) {
        for (Path d : new Path[]{dir, visionTower}) {
            if (d != null && Files.isRegularFile(d.resolve("preprocessor_config.json"))) {
                return ClipImageProcessor.fromJson(d.resolve("preprocessor_config.json"));
            }
        }
        return new ClipImageProcessor(ClipProcessorConfig.openAiClip(config.vision().imageSize()));
    }

    /**
     * Moves the weights to {@code device} (copies from the mapped files, stored dtype kept) and returns this model.
     * Inputs (pixels, token ids) stay host-built; the model moves them where its weights are.
     */
    public LlavaModel to(Device device) {
        module().to(device);
        return this;
    }

    public LlavaForConditionalGeneration module() {
        return weights.model();
    }

    public LlavaConfig config() {
        return module().config();
    }

    public Path directory() {
        return dir;
    }

    /** The tokenizer; fails clearly when the checkpoint folder has none. */
    public LlamaTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException(dir + " has no tokenizer.model or tokenizer.json; pass token ids instead of text");
        }
        return tokenizer;
    }

    public LlavaImagePipeline imagePipeline() {
        return images;
    }

    /** The model's single-turn prompt: llava-hf's card format, or vicuna_v1 for original checkpoints. */
    public String prompt(String question, boolean withImage) {
        if (config().layout() == LlavaConfig.Layout.HF) {
            return withImage ? HfChatTemplate.cardPrompt(question) : "USER: " + question + " ASSISTANT:";
        }
        return ChatTemplate.VICUNA_V1.inferencePrompt(question, withImage);
    }

    /** Token ids of a full prompt string; "<image>" becomes the model's image token. */
    public long[] tokenize(String prompt) {
        int[] ids = config().layout() == LlavaConfig.Layout.ORIGINAL
                ? LlavaPreprocessor.tokenizerImageToken(prompt, tokenizer())
                : tokenizer().encode(prompt);
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** pixel_values [1, 3, S, S] of an image, preprocessed as the checkpoint expects. */
    public Tensor pixelValues(RgbImage image) {
        float[] px = images.pixelValues(image);
        int s = (int) Math.round(Math.sqrt(px.length / 3.0));
        return Tensor.of(px, 1, 3, s, px.length / 3 / s);
    }

    /** Projected features [N, P, H] of several images. */
    public Tensor imageFeatures(List<RgbImage> imgs) {
        List<Tensor> px = new ArrayList<>();
        for (RgbImage im : imgs) {
            px.add(pixelValues(im));
        }
        Tensor batch = px.size() == 1 ? px.get(0) : dev.llava4j.tensor.ops.Indexing.cat(px, 0);
        return module().imageFeatures(batch);
    }

    /** Answers a question about an image (image may be null for a text-only question). */
    public GenerationResult generate(RgbImage image, String question, GenerationOptions options, TokenListener listener) {
        return generateIds(tokenize(prompt(question, image != null)), image, options, listener);
    }

    public String generate(Path image, String question, GenerationOptions options) {
        return generate(image == null ? null : ImageLoader.load(image), question, options, TokenListener.NONE).text();
    }

    /** Decodes from explicit prompt ids (containing the image token when image is given). */
    public GenerationResult generateIds(long[] ids, RgbImage image, GenerationOptions options, TokenListener listener) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor features = image == null ? null : imageFeatures(List.of(image));
            return new TextGenerator(module(), tokenizer).generate(new long[][]{ids}, features, options, listener).get(0);
        }
    }

    /** Several questions decoded together (left padding); images.get(i) may be null for text-only prompts. */
    public List<GenerationResult> generateBatch(List<RgbImage> imgs, List<String> questions, GenerationOptions options) {
        if (imgs.size() != questions.size()) {
            throw new IllegalArgumentException(imgs.size() + " images for " + questions.size() + " questions");
        }
        long[][] ids = new long[questions.size()][];
        List<RgbImage> present = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenize(prompt(questions.get(i), imgs.get(i) != null));
            if (imgs.get(i) != null) {
                present.add(imgs.get(i));
            }
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor features = present.isEmpty() ? null : imageFeatures(present);
            return new TextGenerator(module(), tokenizer).generate(ids, features, options, TokenListener.NONE);
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
