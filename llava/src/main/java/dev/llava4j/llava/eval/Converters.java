package dev.llava4j.llava.eval;

import dev.llava4j.llava.eval.convert.GqaConverter;
import dev.llava4j.llava.eval.convert.MmBenchConverter;
import dev.llava4j.llava.eval.convert.MmVetConverter;
import dev.llava4j.llava.eval.convert.SeedBenchConverter;
import dev.llava4j.llava.eval.convert.VizWizConverter;
import dev.llava4j.llava.eval.convert.Vqav2Converter;

import java.util.List;
import java.util.Map;

/** The upload-file converters by benchmark name. */
public final class Converters {

    private static final Map<String, Converter> BY_NAME = Scorers.index(List.of(
            new Vqav2Converter(), new VizWizConverter(), new SeedBenchConverter(), new MmBenchConverter("mmbench"),
            new MmBenchConverter("mmbench_cn"), new MmVetConverter(), new GqaConverter()), Converter::name);

    private Converters() {
    }

    /** The converter for a benchmark name; the message lists the known names otherwise. */
    public static Converter get(String benchmark) {
        Converter c = BY_NAME.get(benchmark);
        if (c == null) {
            throw new EvalInputException("unknown benchmark \"" + benchmark + "\" for conversion; known: "
                    + String.join(", ", names()));
        }
        return c;
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
