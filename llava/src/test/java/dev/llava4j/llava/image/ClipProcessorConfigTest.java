package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Reading {@code preprocessor_config.json} and the processor's size arithmetic. */
class ClipProcessorConfigTest {

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void readsTheClipLarge336Config() {
        ClipProcessorConfig c = ClipProcessorConfig.fromJson(Fixtures.path("images/preprocessor_config.json"));
        assertEquals(new ClipProcessorConfig.ShortestEdge(336), c.resizeTarget());
        assertEquals(PillowResample.BICUBIC, c.resample());
        assertTrue(c.doCenterCrop());
        assertEquals(336, c.cropHeight());
        assertEquals(336, c.cropWidth());
        assertTrue(c.doRescale());
        assertEquals(0.00392156862745098, c.rescaleFactor());
        assertTrue(c.doNormalize());
        assertArrayEquals(new double[] {0.48145466, 0.4578275, 0.40821073}, c.imageMean());
        assertArrayEquals(new double[] {0.26862954, 0.26130258, 0.27577711}, c.imageStd());
        assertEquals(ClipProcessorConfig.openAiClip(336), c);
    }

    @Test
    void acceptsIntegerSizesAndHeightWidthForm() throws Exception {
        ClipProcessorConfig ints = ClipProcessorConfig.fromJson(json("{\"size\": 28, \"crop_size\": 20}"), "t");
        assertEquals(new ClipProcessorConfig.ShortestEdge(28), ints.resizeTarget());
        assertEquals(20, ints.cropHeight());
        assertEquals(20, ints.cropWidth());

        ClipProcessorConfig hw = ClipProcessorConfig.fromJson(
                json("{\"size\": {\"height\": 30, \"width\": 40}, \"crop_size\": {\"height\": 10, \"width\": 12},"
                        + " \"resample\": 2}"), "t");
        assertEquals(new ClipProcessorConfig.FixedSize(30, 40), hw.resizeTarget());
        assertEquals(10, hw.cropHeight());
        assertEquals(12, hw.cropWidth());
        assertEquals(PillowResample.BILINEAR, hw.resample());
    }

    @Test
    void missingFieldsTakeTransformersDefaults() throws Exception {
        ClipProcessorConfig c = ClipProcessorConfig.fromJson(json("{}"), "t");
        assertEquals(new ClipProcessorConfig.ShortestEdge(224), c.resizeTarget());
        assertEquals(224, c.cropHeight());
        assertEquals(ClipProcessorConfig.openAiClip(224), c);
    }

    @Test
    void badFieldsAreReportedWithSourceAndField() throws Exception {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ClipProcessorConfig.fromJson(json("{\"do_resize\": \"yes\"}"), "cfg.json"));
        assertTrue(e.getMessage().contains("cfg.json") && e.getMessage().contains("do_resize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClipProcessorConfig.fromJson(json("{\"size\": {\"longest_edge\": 3}}"), "cfg.json"));
        assertTrue(e.getMessage().contains("\"size\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClipProcessorConfig.fromJson(json("{\"image_mean\": [0.5, 0.5]}"), "cfg.json"));
        assertTrue(e.getMessage().contains("image_mean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClipProcessorConfig.fromJson(json("{\"resample\": 9}"), "cfg.json"));
        assertTrue(e.getMessage().contains("cfg.json") && e.getMessage().contains("9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClipProcessorConfig.fromJson(json("{\"image_std\": [0.5, 0, 0.5]}"), "cfg.json"));
        assertTrue(e.getMessage().contains("image_std"), e.getMessage());
    }

    @Test
    void shortestEdgeSizeTruncatesTheLongSide() {
        ClipImageProcessor p = new ClipImageProcessor(ClipProcessorConfig.openAiClip(336));
        assertArrayEquals(new int[] {336, 503}, p.resizedSize(427, 640));
        assertArrayEquals(new int[] {501, 336}, p.resizedSize(224, 150));
        assertArrayEquals(new int[] {336, 336}, p.resizedSize(512, 512));
    }

    @Test
    void rescaleAndNormalizeFollowNumpyArithmetic() {
        ClipImageProcessor p = new ClipImageProcessor(ClipProcessorConfig.openAiClip(1));
        float[] px = p.preprocess(new RgbImage(1, 1, new byte[] {0, (byte) 128, (byte) 255}));
        assertEquals((0f - (float) 0.48145466) / (float) 0.26862954, px[0]);
        assertEquals(((float) (128 * (1.0 / 255)) - (float) 0.4578275) / (float) 0.26130258, px[1]);
        assertEquals((1f - (float) 0.40821073) / (float) 0.27577711, px[2]);

        ClipImageProcessor raw = new ClipImageProcessor(new ClipProcessorConfig(null, PillowResample.BICUBIC,
                false, 0, 0, false, 0, false, ClipProcessorConfig.OPENAI_CLIP_MEAN,
                ClipProcessorConfig.OPENAI_CLIP_STD, true));
        ProcessedImage out = raw.process(new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6}));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out.pixelValues()); // CHW
        assertEquals(2, out.width());
        assertFalse(raw.config().doNormalize());
    }

    @Test
    void aspectRatioConfigValues() {
        assertEquals(LlavaImagePipeline.AspectRatio.PAD, LlavaImagePipeline.AspectRatio.fromConfigValue("pad"));
        assertEquals(LlavaImagePipeline.AspectRatio.NONE, LlavaImagePipeline.AspectRatio.fromConfigValue("square"));
        assertEquals(LlavaImagePipeline.AspectRatio.NONE, LlavaImagePipeline.AspectRatio.fromConfigValue(null));
        assertThrows(IllegalArgumentException.class, () -> LlavaImagePipeline.AspectRatio.fromConfigValue("anyres"));
    }
}
