package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaPreprocessor;
import java.util.Arrays;
import java.util.List;

/**
 * One micro-batch as the trainer consumes it. Token ids and labels stay per sample and unpadded (the image
 * placeholder -200 still in place) because splicing images changes the lengths; the arrays are the batch's own
 * and are not copied again (callers must not modify them); {@link #paddedInputIds()},
 * {@link #paddedLabels()} and {@link #attentionMask()} give LLaVA's right-padded text-only view.
 *
 * @param sampleIds        record ids, in batch order
 * @param inputIds         per sample, truncated to the collator's max length
 * @param labels           per sample, aligned with {@code inputIds}
 * @param pixelValues      {@code [3, H, W]} of the samples that have an image, in batch order
 * @param hasImage         per sample, whether it consumes the next entry of {@code pixelValues}
 * @param padId            the id padding uses
 * @param supervisedTokens label positions that are not -100 (the loss's denominator)
 */
public record TrainBatch(List<String> sampleIds, long[][] inputIds, long[][] labels, float[][] pixelValues,
                         boolean[] hasImage, int padId, int supervisedTokens) {

    public TrainBatch {
        sampleIds = List.copyOf(sampleIds);
    }

    public int size() {
        return inputIds.length;
    }

    public int numImages() {
        return pixelValues.length;
    }

    /** All images concatenated, {@code [numImages, 3, H, W]} flattened (all images have the same size). */
    public float[] stackedPixelValues() {
        if (pixelValues.length == 0) {
            return new float[0];
        }
        int per = pixelValues[0].length;
        float[] out = new float[pixelValues.length * per];
        for (int i = 0; i < pixelValues.length; i++) {
            if (pixelValues[i].length != per) {
                throw new IllegalStateException("image " + i + " of the batch (sample '" + imageSampleId(i)
                        + "') has " + pixelValues[i].length + " values, the first has " + per);
            }
            System.arraycopy(pixelValues[i], 0, out, i * per, per);
        }
        return out;
    }

    /** The id of the sample that owns image {@code imageIndex}. */
    private String imageSampleId(int imageIndex) {
        int seen = -1;
        for (int s = 0; s < hasImage.length; s++) {
            if (hasImage[s] && ++seen == imageIndex) {
                return sampleIds.get(s);
            }
        }
        return "?";
    }

    /** Text tokens in the batch before image expansion, without padding. */
    public int tokenCount() {
        int n = 0;
        for (long[] ids : inputIds) {
            n += ids.length;
        }
        return n;
    }

    /** The longest sample, in tokens before image expansion. */
    public int maxLength() {
        int max = 0;
        for (long[] ids : inputIds) {
            max = Math.max(max, ids.length);
        }
        return max;
    }

    /** Input ids right-padded with {@link #padId()} to {@link #maxLength()}. */
    public long[][] paddedInputIds() {
        return padded(inputIds, padId);
    }

    /** Labels right-padded with -100 to {@link #maxLength()}. */
    public long[][] paddedLabels() {
        return padded(labels, LlavaPreprocessor.IGNORE_INDEX);
    }

    /**
     * 1 on real positions, 0 on padding. LLaVA computes {@code input_ids != pad_id}, which would also mask a
     * genuine {@code <unk>} token (pad = unk = 0); the mask here follows the sample lengths instead.
     */
    public int[][] attentionMask() {
        int width = maxLength();
        int[][] mask = new int[inputIds.length][width];
        for (int s = 0; s < inputIds.length; s++) {
            Arrays.fill(mask[s], 0, inputIds[s].length, 1);
        }
        return mask;
    }

    private long[][] padded(long[][] rows, long fill) {
        int width = maxLength();
        long[][] out = new long[rows.length][width];
        for (int s = 0; s < rows.length; s++) {
            System.arraycopy(rows[s], 0, out[s], 0, rows[s].length);
            Arrays.fill(out[s], rows[s].length, width, fill);
        }
        return out;
    }
}
