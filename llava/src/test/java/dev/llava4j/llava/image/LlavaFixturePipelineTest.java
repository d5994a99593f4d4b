package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.image.LlavaImagePipeline.AspectRatio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole LLaVA-1.5 image path against the fixtures of {@code images/} (Pillow 9.4 + transformers 4.40):
 * resized images byte-exact, pixel values within 1e-6 (README tolerance).
 */
class LlavaFixturePipelineTest {

    private static final FixtureTensors EXPECTED = Fixtures.tensors("images/expected.safetensors");
    private static final ClipImageProcessor PROCESSOR =
            ClipImageProcessor.fromJson(Fixtures.path("images/preprocessor_config.json"));

    /** The PNG inputs are decoded by us; rocket uses Pillow's own decode (rocket.raw) to isolate the pipeline. */
    private static RgbImage input(String name) {
        return name.equals("rocket") ? EXPECTED.image("rocket.raw")
                : ImageLoader.load(Fixtures.path("images/" + name + ".png"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"astronaut, pad", "astronaut, nopad", "rocket, pad", "rocket, nopad",
            "astronaut_crop, pad", "astronaut_crop, nopad"})
    void resizedImageIsByteExactAndPixelValuesMatch(String name, String mode) {
        var pipeline = new LlavaImagePipeline(PROCESSOR, mode.equals("pad") ? AspectRatio.PAD : AspectRatio.NONE);
        LlavaImagePipeline.Stages stages = pipeline.stages(input(name));

        RgbImage expectedResized = EXPECTED.image(name + "." + mode + ".resized");
        RgbImage resized = stages.processed().resized();
        assertEquals(expectedResized.width(), resized.width(), "resized width");
        assertEquals(expectedResized.height(), resized.height(), "resized height");
        assertEquals(0, Fixtures.maxByteDiff(expectedResized.rgb(), resized.rgb()), "resized max diff");

        float[] expected = EXPECTED.f32(name + "." + mode + ".pixel_values");
        float[] actual = stages.processed().pixelValues();
        assertEquals(3 * 336 * 336, actual.length);
        assertTrue(Fixtures.maxAbsDiff(expected, actual) <= 1e-6,
                "pixel_values max abs diff " + Fixtures.maxAbsDiff(expected, actual));
    }

    @Test
    void rocketPaddingUsesMeanColourAndCentredOffset() {
        var pipeline = new LlavaImagePipeline(PROCESSOR, AspectRatio.PAD);
        assertArrayEquals(new int[] {122, 116, 104}, pipeline.background());
        RgbImage padded = pipeline.stages(EXPECTED.image("rocket.raw")).padded();
        assertEquals(640, padded.width());
        assertEquals(640, padded.height());
        // expected.json: paste_xy [0, 106] -> rows 0..105 and 533..639 are background.
        assertEquals(122, padded.sample(5, 105, 0));
        assertEquals(104, padded.sample(5, 533, 2));
        RgbImage raw = EXPECTED.image("rocket.raw");
        assertEquals(raw.sample(7, 0, 1), padded.sample(7, 106, 1));
        assertEquals(raw.sample(639, 426, 2), padded.sample(639, 532, 2));
    }

    @Test
    void jpegDecodeIsWithinOneLevelOfPillowAndLibjpegTurbo() {
        RgbImage ours = ImageLoader.load(Fixtures.path("images/rocket.jpg"));
        RgbImage pillow = EXPECTED.image("rocket.raw");
        assertEquals(640, ours.width());
        assertEquals(427, ours.height());
        int maxDiff = Fixtures.maxByteDiff(pillow.rgb(), ours.rgb());
        long differing = 0;
        for (int i = 0; i < ours.rgb().length; i++) {
            differing += ours.rgb()[i] != pillow.rgb()[i] ? 1 : 0;
        }
        System.out.printf("rocket.jpg vs Pillow decode: max diff %d, %d of %d samples differ%n",
                maxDiff, differing, ours.rgb().length);
        assertTrue(maxDiff <= 2, "JPEG decode max diff " + maxDiff);
    }

    @ParameterizedTest(name = "rocket.jpg {0}")
    @CsvSource({"pad", "nopad"})
    void rocketJpegEndToEndWithinOneDecodeLevel(String mode) {
        var pipeline = new LlavaImagePipeline(PROCESSOR, mode.equals("pad") ? AspectRatio.PAD : AspectRatio.NONE);
        float[] actual = pipeline.pixelValues(Fixtures.path("images/rocket.jpg"));
        float[] expected = EXPECTED.f32("rocket." + mode + ".pixel_values");
        // One JPEG level off moves a value by 1 / 255 / std (largest for the smallest std, 0.2613).
        double oneLevel = 1.0 / 255 / 0.26130258 + 1e-6;
        assertTrue(Fixtures.maxAbsDiff(expected, actual) <= oneLevel,
                "pixel_values max abs diff " + Fixtures.maxAbsDiff(expected, actual));
    }
}
