package dev.llava4j.llava.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.llava.image.ClipProcessorConfig;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.model.ClipVisionModel;
import dev.llava4j.llava.model.VisionConfig;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.ParamGroup;
import dev.llava4j.nn.schedule.GradClip;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STAND-IN for CLIP ViT-L/14-336, which cannot be shipped: a tiny CLIP-shaped vision transformer (same module
 * tree and weight names, a few layers of width 64) trained from scratch on the demo's training images. Its
 * objective is supervised: a linear head on every patch of the layer LLaVA reads (the penultimate one,
 * {@code vision_feature_layer -2}) names the colour and the shape in that patch. CLIP learns far more general
 * features from 400M image-text pairs; this one only has to make the shapes world legible, which is the role
 * the frozen tower plays in LLaVA. The result is saved as a CLIPVisionModel folder that
 * {@code TrainingModel.fromComponents} loads like the real tower.
 */
public final class StandInVision {

    /** LLaVA's {@code vision_feature_layer}: the tower is trained for the features LLaVA will take. */
    static final int FEATURE_LAYER = -2;

    /**
     * @param imageSize input side in pixels (the images are rendered at this size)
     * @param patchSize patch side; {@code imageSize / patchSize} patches per side
     */
    public record Settings(int imageSize, int patchSize, int hidden, int intermediate, int layers, int heads,
                           int steps, int batchSize, double lr) {

        public Settings {
            if (imageSize % patchSize != 0 || hidden % heads != 0 || layers < 2 || steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("inconsistent stand-in vision settings " + this);
            }
        }

        public int grid() {
            return imageSize / patchSize;
        }

        VisionConfig config() {
            return new VisionConfig(hidden, intermediate, layers, heads, imageSize, patchSize, 3, 1e-5, "quick_gelu");
        }
    }

    /**
     * @param folder        the saved CLIP folder
     * @param losses        (step, loss) per step
     * @param patchAccuracy held-out patches whose colour and shape both come out right
     */
    public record Result(Path folder, List<double[]> losses, double patchAccuracy, int parameters, double seconds) {
    }

    /** The two per-patch classifiers trained with the tower (thrown away afterwards, as CLIP's text tower is). */
    private static final class PatchHeads extends Module {
        final Linear colour;
        final Linear shape;

        PatchHeads(int hidden, Init init) {
            this.colour = child("colour", new Linear(hidden, PatchLabels.COLOUR_CLASSES, true, init));
            this.shape = child("shape", new Linear(hidden, PatchLabels.SHAPE_CLASSES, true, init));
        }
    }

    private StandInVision() {
    }

    /** Trains the stand-in on {@code train}, measures it on {@code heldOut} and saves it into {@code folder}. */
    public static Result train(Settings s, Path imageFolder, List<PatchLabels> train, List<PatchLabels> heldOut,
                               Path folder, long seed, PrintStream log) throws IOException {
        long start = System.nanoTime();
        Generator gen = new Generator(seed);
        VisionConfig config = s.config();
        ClipVisionModel tower = new ClipVisionModel(config, Init.normal(gen, 0.02));
        PatchHeads heads = new PatchHeads(s.hidden(), Init.pytorchDefault(gen));
        LlavaImagePipeline pipeline = pipeline(s.imageSize());
        float[][] trainPixels = pixels(pipeline, imageFolder, train);
        AdamW optimizer = new AdamW(List.of(ParamGroup.of(tower, s.lr(), 0.0), ParamGroup.of(heads, s.lr(), 0.0)));
        LrSchedule schedule = LrSchedule.cosineWithWarmup(Math.max(1, s.steps() / 20), s.steps());
        int layersRun = s.layers() + FEATURE_LAYER + 1;
        List<double[]> losses = new ArrayList<>();
        for (int step = 0; step < s.steps(); step++) {
            int[] batch = new int[s.batchSize()];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = gen.nextInt(train.size());
            }
            try (TensorScope scope = TensorScope.open()) {
                Tensor patches = patchFeatures(tower, s, trainPixels, batch, layersRun);
                Tensor loss = Functional.crossEntropy(heads.colour.forward(patches), targets(train, batch, true), -100)
                        .add(Functional.crossEntropy(heads.shape.forward(patches), targets(train, batch, false), -100));
                losses.add(new double[] {step + 1, loss.item()});
                loss.backward();
            }
            GradClip.clipGlobalNorm(optimizer, 1.0);
            schedule.apply(optimizer, step);
            optimizer.step();
            optimizer.zeroGrad();
            if ((step + 1) % 50 == 0 || step + 1 == s.steps()) {
                log.printf("  vision stand-in step %d/%d loss %.4f%n", step + 1, s.steps(), losses.getLast()[1]);
            }
        }
        double accuracy = patchAccuracy(tower, heads, s, pipeline, imageFolder, heldOut, layersRun);
        save(tower, config, folder);
        return new Result(folder, losses, accuracy, (int) tower.parameterCount(),
                (System.nanoTime() - start) / 1e9);
    }

    /** The image path every stage uses: CLIP's processor at the stand-in's size (a no-op resize here). */
    static LlavaImagePipeline pipeline(int imageSize) {
        return new LlavaImagePipeline(new dev.llava4j.llava.image.ClipImageProcessor(
                ClipProcessorConfig.openAiClip(imageSize)), LlavaImagePipeline.AspectRatio.PAD);
    }

    private static float[][] pixels(LlavaImagePipeline pipeline, Path imageFolder, List<PatchLabels> images) {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = pipeline.pixelValues(imageFolder.resolve(images.get(i).image()));
        }
        return out;
    }

    /** Patch rows [B, P, D] of the feature layer (the CLS row dropped, as LLaVA's "default" strategy does). */
    private static Tensor patchFeatures(ClipVisionModel tower, Settings s, float[][] pixels, int[] batch,
                                        int layersRun) {
        int per = 3 * s.imageSize() * s.imageSize();
        float[] flat = new float[batch.length * per];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(pixels[batch[i]], 0, flat, i * per, per);
        }
        Tensor h = tower.hiddenState(Tensor.of(flat, batch.length, 3, s.imageSize(), s.imageSize()), layersRun);
        return h.narrow(1, 1, h.size(1) - 1);
    }

    private static Tensor targets(List<PatchLabels> labels, int[] batch, boolean colour) {
        int p = labels.getFirst().colour().length;
        long[] t = new long[batch.length * p];
        for (int i = 0; i < batch.length; i++) {
            int[] row = colour ? labels.get(batch[i]).colour() : labels.get(batch[i]).shape();
            for (int k = 0; k < p; k++) {
                t[i * p + k] = row[k];
            }
        }
        return Tensor.ofLongs(t, batch.length, p);
    }

    private static double patchAccuracy(ClipVisionModel tower, PatchHeads heads, Settings s,
                                        LlavaImagePipeline pipeline, Path imageFolder, List<PatchLabels> heldOut,
                                        int layersRun) {
        if (heldOut.isEmpty()) {
            return Double.NaN;
        }
        float[][] px = pixels(pipeline, imageFolder, heldOut);
        int right = 0;
        int total = 0;
        try (GradMode.Guard g = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            for (int from = 0; from < px.length; from += 64) {
                int[] batch = new int[Math.min(64, px.length - from)];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = from + i;
                }
                Tensor patches = patchFeatures(tower, s, px, batch, layersRun);
                long[] colour = heads.colour.forward(patches).argmax(-1, false).toLongArray();
                long[] shape = heads.shape.forward(patches).argmax(-1, false).toLongArray();
                int p = patches.size(1);
                for (int i = 0; i < batch.length; i++) {
                    PatchLabels l = heldOut.get(batch[i]);
                    for (int k = 0; k < p; k++) {
                        right += colour[i * p + k] == l.colour()[k] && shape[i * p + k] == l.shape()[k] ? 1 : 0;
                        total++;
                    }
                }
            }
        }
        return (double) right / total;
    }

    /** config.json (CLIPVisionConfig), preprocessor_config.json and model.safetensors ({@code vision_model.*}). */
    static void save(ClipVisionModel tower, VisionConfig c, Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper om = new ObjectMapper();
        ObjectNode config = om.createObjectNode();
        config.putArray("architectures").add("CLIPVisionModel");
        config.put("model_type", "clip_vision_model");
        config.put("hidden_size", c.hiddenSize());
        config.put("intermediate_size", c.intermediateSize());
        config.put("num_hidden_layers", c.numLayers());
        config.put("num_attention_heads", c.numHeads());
        config.put("image_size", c.imageSize());
        config.put("patch_size", c.patchSize());
        config.put("num_channels", c.numChannels());
        config.put("layer_norm_eps", c.layerNormEps());
        config.put("hidden_act", c.hiddenAct());
        config.put("_llava4j_note", "demo stand-in for openai/clip-vit-large-patch14-336, trained on the shapes world");
        om.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("config.json").toFile(), config);
        om.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("preprocessor_config.json").toFile(),
                preprocessorConfig(om, c.imageSize()));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tower.stateDict().forEach((k, t) -> tensors.put(k, t.detach()));
        TensorFiles.write(folder.resolve("model.safetensors"), tensors, Map.of("format", "pt", "producer", "llava4j demo"));
    }

    /** CLIP's processor settings at {@code size} px (what {@link ClipProcessorConfig#openAiClip} describes). */
    private static ObjectNode preprocessorConfig(ObjectMapper om, int size) {
        ObjectNode p = om.createObjectNode();
        p.put("image_processor_type", "CLIPImageProcessor");
        p.putObject("size").put("shortest_edge", size);
        p.putObject("crop_size").put("height", size).put("width", size);
        p.put("do_resize", true);
        p.put("do_center_crop", true);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1.0 / 255);
        p.put("do_normalize", true);
        p.put("do_convert_rgb", true);
        p.put("resample", 3);
        var mean = p.putArray("image_mean");
        for (double v : ClipProcessorConfig.OPENAI_CLIP_MEAN) {
            mean.add(v);
        }
        var std = p.putArray("image_std");
        for (double v : ClipProcessorConfig.OPENAI_CLIP_STD) {
            std.add(v);
        }
        return p;
    }
}
