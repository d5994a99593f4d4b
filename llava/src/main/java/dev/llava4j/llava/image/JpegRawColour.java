package dev.llava4j.llava.image;

import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * Keeps the JDK JPEG reader from colour-managing. When a JPEG embeds an ICC profile, the reader's default
 * destination is sRGB and it converts the decoded samples through the profile; Pillow keeps the samples as
 * libjpeg produced them. The reader also offers a destination in the embedded profile's own colour space, into
 * which the samples are copied unchanged, so that one is requested.
 */
final class JpegRawColour {

    private JpegRawColour() {
    }

    /** A read param whose destination keeps raw samples, or the reader's default param when none is needed. */
    static ImageReadParam readParam(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        List<ImageTypeSpecifier> types = new ArrayList<>();
        reader.getImageTypes(0).forEachRemaining(types::add);
        if (types.isEmpty()) {
            return param;
        }
        ColorModel preferred = types.getFirst().getColorModel();
        for (ImageTypeSpecifier candidate : types.subList(1, types.size())) {
            if (isEmbeddedProfileVariant(preferred, candidate.getColorModel())) {
                param.setDestinationType(candidate);
                break;
            }
        }
        return param;
    }

    /** Same layout and colour-space family as the default, but a non-standard (embedded) ICC space. */
    private static boolean isEmbeddedProfileVariant(ColorModel preferred, ColorModel candidate) {
        ColorSpace cs = candidate.getColorSpace();
        return candidate.getNumComponents() == preferred.getNumComponents()
                && candidate.getPixelSize() == preferred.getPixelSize()
                && candidate.hasAlpha() == preferred.hasAlpha()
                && cs.getType() == preferred.getColorSpace().getType()
                && !cs.isCS_sRGB()
                && !cs.equals(ColorSpace.getInstance(ColorSpace.CS_GRAY))
                && !cs.equals(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB));
    }
}
