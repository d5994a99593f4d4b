package dev.llava4j.llava.train;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.image.ImageDecodeException;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.nio.file.Path;

/**
 * Turns one {@link LlavaRecord} into a {@link TrainSample}: template + tokenize (LLaVA's preprocessing) and, for
 * records with an image, load it from the image folder and run the image pipeline. Thread-safe: the tokenizer
 * and pipeline are immutable.
 */
public final class TrainSampleFactory {

    private final Path imageFolder;
    private final LlamaTokenizer tokenizer;
    private final ChatTemplate template;
    private final int maxLength;
    private final LlavaImagePipeline pipeline;

    /**
     * @param imageFolder the folder record image paths are relative to
     * @param template    "plain" for stage 1, "v1" for stage 2
     * @param maxLength   tokens per sample before image expansion
     */
    public TrainSampleFactory(Path imageFolder, LlamaTokenizer tokenizer, ChatTemplate template, int maxLength,
                              LlavaImagePipeline pipeline) {
        this.imageFolder = imageFolder;
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxLength = maxLength;
        this.pipeline = pipeline;
    }

    /** With the template given by name ("plain", "v1", "vicuna_v1", "llava_v1"). */
    public TrainSampleFactory(Path imageFolder, LlamaTokenizer tokenizer, String template, int maxLength,
                              LlavaImagePipeline pipeline) {
        this(imageFolder, tokenizer, ChatTemplate.named(template), maxLength, pipeline);
    }

    /** The sample, or {@link BadRecordException} naming the record and what is wrong with it. */
    public TrainSample make(LlavaRecord record) throws BadRecordException {
        TokenizedSample tokens;
        try {
            tokens = LlavaPreprocessor.preprocess(record, template, tokenizer, maxLength);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("record '" + record.id() + "': " + e.getMessage(), e);
        }
        if (!record.hasImage()) {
            return new TrainSample(record.id(), tokens.inputIds(), tokens.labels(), null);
        }
        if (tokens.numImageTokens() != 1) {
            // An image without its placeholder would shift every later image of the batch onto the wrong sample.
            throw new BadRecordException("record '" + record.id() + "' has image '" + record.image() + "' but "
                    + tokens.numImageTokens() + " " + LlavaPreprocessor.IMAGE_TOKEN + " placeholders after "
                    + "preprocessing (expected 1)");
        }
        Path file = imageFolder.resolve(record.image());
        float[] pixels;
        try {
            pixels = pipeline.pixelValues(file);
        } catch (ImageDecodeException | IllegalArgumentException e) {
            // IllegalArgumentException: an image the processor cannot handle (e.g. smaller than the crop)
            throw new BadRecordException("record '" + record.id() + "': " + e.getMessage(), e);
        }
        return new TrainSample(record.id(), tokens.inputIds(), tokens.labels(), pixels);
    }
}
