package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.image.LlavaImagePipeline.AspectRatio;
import org.junit.jupiter.api.Test;

/** The 28 px processor of the tiny model fixture ({@code llava-tiny/}): every image stage and pixel_values. */
class LlavaTinyImageTest {

    private static final FixtureTensors EXPECTED = Fixtures.tensors("llava-tiny/expected.safetensors");

    @Test
    void everyStageMatchesTheFixture() {
        RgbImage image = ImageLoader.load(Fixtures.path("llava-tiny/image.png"));
        assertEquals(EXPECTED.image("image.raw"), image, "decoded image.png");

        var pipeline = new LlavaImagePipeline(
                ClipImageProcessor.fromJson(Fixtures.path("llava-tiny/preprocessor_config.json")), AspectRatio.PAD);
        LlavaImagePipeline.Stages stages = pipeline.stages(image);
        assertEquals(EXPECTED.image("image.padded"), stages.padded());
        assertEquals(EXPECTED.image("image.resized"), stages.processed().resized());
        assertEquals(EXPECTED.image("image.cropped"), stages.processed().cropped());

        float[] expected = EXPECTED.f32("in.pixel_values");
        assertArrayEquals(new int[] {1, 3, 28, 28}, EXPECTED.shape("in.pixel_values"));
        float[] actual = stages.processed().pixelValues();
        assertEquals(expected.length, actual.length);
        assertTrue(Fixtures.maxAbsDiff(expected, actual) <= 1e-6,
                "max abs diff " + Fixtures.maxAbsDiff(expected, actual));
    }
}
