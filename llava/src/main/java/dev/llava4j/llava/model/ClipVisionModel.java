package dev.llava4j.llava.model;

import dev.llava4j.nn.Activation;
import dev.llava4j.nn.ClipAttention;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.LayerNorm;
import dev.llava4j.nn.Mlp;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.ModuleList;
import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.PatchEmbedding;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Indexing;

import java.util.List;

/**
 * CLIP's vision transformer with Hugging Face names under {@code vision_model.}: patch + class + position
 * embeddings, pre_layrnorm, pre-LN encoder layers, post_layernorm (kept for loading; LLaVA never applies it).
 */
public final class ClipVisionModel extends Module {
    private final VisionModel visionModel;

    public ClipVisionModel(VisionConfig c, Init init) {
        this.visionModel = child("vision_model", new VisionModel(c, init));
    }

    /** Hidden state after {@code layers} encoder layers (0 = after pre_layrnorm): [B, 1 + patches, hidden]. */
    public Tensor hiddenState(Tensor pixelValues, int layers) {
        return visionModel.forward(pixelValues, layers);
    }

    static final class VisionModel extends Module {
        private final Embeddings embeddings;
        private final LayerNorm preLayerNorm;
        private final Encoder encoder;
        private final VisionConfig config;

        VisionModel(VisionConfig c, Init init) {
            this.config = c;
            this.embeddings = child("embeddings", new Embeddings(c, init));
            this.preLayerNorm = child("pre_layrnorm", new LayerNorm(c.hiddenSize(), c.layerNormEps(), init));
            this.encoder = child("encoder", new Encoder(c, init));
            child("post_layernorm", new LayerNorm(c.hiddenSize(), c.layerNormEps(), init));
        }

        Tensor forward(Tensor pixelValues, int layers) {
            if (pixelValues.rank() != 4 || pixelValues.size(1) != config.numChannels()
                    || pixelValues.size(2) != config.imageSize() || pixelValues.size(3) != config.imageSize()) {
                throw new IllegalArgumentException("pixel values must be [B, " + config.numChannels() + ", "
                        + config.imageSize() + ", " + config.imageSize() + "], got "
                        + dev.llava4j.tensor.Shape.toString(pixelValues.shape()));
            }
            Tensor h = preLayerNorm.forward(embeddings.forward(pixelValues));
            for (int i = 0; i < layers; i++) {
                EncoderLayer layer = encoder.layers.get(i);
                if (GradMode.isEnabled()) {
                    h = layer.forward(h);
                } else {
                    // inference: free each layer's intermediates as soon as its output exists
                    try (TensorScope scope = TensorScope.open()) {
                        h = scope.keep(layer.forward(h));
                    }
                }
            }
            return h;
        }
    }

    static final class Embeddings extends Module {
        private final Parameter classEmbedding;
        private final Parameter patchWeight;
        private final PositionEmbedding position;

        Embeddings(VisionConfig c, Init init) {
            int d = c.hiddenSize();
            int p = c.patchSize();
            this.classEmbedding = parameter("class_embedding", init.weight(d, d));
            this.patchWeight = child("patch_embedding", new PatchEmbedding(c.numChannels(), d, p, false, init)).weight();
            this.position = child("position_embedding", new PositionEmbedding(c.numPatches() + 1, d, init));
        }

        Tensor forward(Tensor pixels) {
            int b = pixels.size(0);
            Tensor w = patchWeight.value();
            Tensor patches = Functional.conv2dPatch(pixels, w, null);           // [B, D, g, g]
            int d = patches.size(1);
            Tensor tokens = patches.reshape(b, d, -1).transpose(1, 2);          // [B, g*g, D], row-major patches
            Tensor cls = f32(classEmbedding.value()).reshape(1, 1, d).expand(b, 1, d);
            Tensor seq = Indexing.cat(List.of(cls, tokens), 1);
            return seq.add(f32(position.weight.value()));
        }
    }

    /** Holds position_embedding.weight [positions, D]. */
    static final class PositionEmbedding extends Module {
        final Parameter weight;

        PositionEmbedding(int positions, int d, Init init) {
            this.weight = parameter("weight", init.embedding(positions, d));
        }
    }

    static final class Encoder extends Module {
        final ModuleList<EncoderLayer> layers;

        Encoder(VisionConfig c, Init init) {
            this.layers = child("layers", new ModuleList<>());
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new EncoderLayer(c, init));
            }
        }
    }

    /** Pre-LN transformer layer: h + attn(ln1(h)), then h + mlp(ln2(h)). */
    static final class EncoderLayer extends Module {
        private final ClipAttention attention;
        private final LayerNorm ln1;
        private final Mlp mlp;
        private final LayerNorm ln2;

        EncoderLayer(VisionConfig c, Init init) {
            this.attention = child("self_attn", new ClipAttention(c.hiddenSize(), c.numHeads(), init));
            this.ln1 = child("layer_norm1", new LayerNorm(c.hiddenSize(), c.layerNormEps(), init));
            this.mlp = child("mlp", new Mlp(c.hiddenSize(), c.intermediateSize(), Activation.fromConfig(c.hiddenAct()), init));
            this.ln2 = child("layer_norm2", new LayerNorm(c.hiddenSize(), c.layerNormEps(), init));
        }

        Tensor forward(Tensor h) {
            h = h.add(attention.forward(ln1.forward(h)));
            return h.add(mlp.forward(ln2.forward(h)));
        }
    }

    static Tensor f32(Tensor t) {
        return t.dtype() == DType.F32 || t.dtype() == DType.F64 ? t : t.to(DType.F32);
    }
}
