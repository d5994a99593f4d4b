package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.image.ImageDecodeException;
import dev.llava4j.llava.image.ImageLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MmBenchQuestionSourceTest {

    private static final String MC = "Answer with the option's letter from the given choices directly.";
    private static final String HEADER = "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n";

    @TempDir
    Path tmp;

    static Path fixtureImage(String name) throws URISyntaxException {
        return Path.of(MmBenchQuestionSourceTest.class.getResource("/fixtures/llava-data/images/" + name).toURI());
    }

    static String base64(Path png) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    private List<EvalQuestion> read(String benchmark, String tsv) throws IOException {
        Path file = tmp.resolve("mmbench_dev.tsv");
        Files.writeString(file, tsv);
        BenchmarkSpec spec = BenchmarkSpec.named(benchmark);
        return spec.source().read(file, null, spec);
    }

    private String table() throws Exception {
        String img = base64(fixtureImage("red_circle.png"));
        return HEADER
                + "0\tWhich state is farthest north?\tThe map shows four states.\tOhio\tUtah\tnan\tTexas\tA\tgeo\t" + img + "\ts\tl2\t\tdev\n"
                + "1\tWhat is shown?\t\tcat\tdog\tbird\tfish\tB\tanimals\t" + img + "\ts\tl2\t\tdev\n"
                + "2\tIs it red?\tNone\tyes\tNONE\tno\t\tA\tcolor\t" + img + "\ts\tl2\t\tdev\n";
    }

    @Test
    void hintThenQuestionThenOptionsUpToTheFirstMissingOne() throws Exception {
        List<EvalQuestion> qs = read("mmbench", table());
        assertEquals(3, qs.size());

        EvalQuestion first = qs.get(0);
        String prompt = "The map shows four states.\nWhich state is farthest north?\nA. Ohio\nB. Utah";
        assertEquals(BigInteger.ZERO, first.plainId());
        assertEquals(prompt, first.recordedPrompt());
        assertEquals(prompt + "\n" + MC, first.text());
        assertEquals(Map.of("round_id", 0), first.fieldsAfterId());
        assertEquals(List.of("options", "option_char"), List.copyOf(first.fieldsAfterText().keySet()));
        assertEquals(List.of("Ohio", "Utah"), first.fieldsAfterText().get("options"));
        assertEquals(List.of("A", "B"), first.fieldsAfterText().get("option_char"));
        assertTrue(first.where().endsWith("mmbench_dev.tsv index 0"), first.where());

        EvalQuestion second = qs.get(1);
        assertEquals("What is shown?\nA. cat\nB. dog\nC. bird\nD. fish", second.recordedPrompt());
        assertEquals(List.of("A", "B", "C", "D"), second.fieldsAfterText().get("option_char"));

        EvalQuestion third = qs.get(2);
        assertEquals("Is it red?\nA. yes", third.recordedPrompt());
        assertEquals(List.of("yes"), third.fieldsAfterText().get("options"));
    }

    @Test
    void chineseVariantUsesTheChineseSuffix() throws Exception {
        EvalQuestion q = read("mmbench_cn", table()).get(1);
        assertEquals("What is shown?\nA. cat\nB. dog\nC. bird\nD. fish\n请直接回答选项字母。", q.text());
        assertEquals("What is shown?\nA. cat\nB. dog\nC. bird\nD. fish", q.recordedPrompt());
    }

    @Test
    void theBase64ImageDecodesToTheSamePixels() throws Exception {
        EvalQuestion q = read("mmbench", table()).get(0);
        assertEquals(ImageLoader.load(fixtureImage("red_circle.png")), q.image().load());
    }

    @Test
    void badTablesAndCellsAreNamed() {
        EvalInputException noHint = assertThrows(EvalInputException.class,
                () -> read("mmbench", "index\tquestion\tA\tB\timage\n0\tQ\tx\ty\tAAAA\n"));
        assertTrue(noHint.getMessage().contains("\"hint\""), noHint.getMessage());

        EvalInputException noQuestion = assertThrows(EvalInputException.class,
                () -> read("mmbench", HEADER + "3\t\thint\tx\ty\t\t\tA\tc\tAAAA\ts\tl2\t\tdev\n"));
        assertTrue(noQuestion.getMessage().contains("index 3") && noQuestion.getMessage().contains("question"),
                noQuestion.getMessage());
    }

    @Test
    void anUndecodableImageNamesItsRow() throws Exception {
        EvalQuestion q = read("mmbench", HEADER + "5\tQ\t\tx\ty\t\t\tA\tc\tbm90IGFuIGltYWdl\ts\tl2\t\tdev\n").get(0);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> q.image().load());
        assertTrue(e.getMessage().contains("index 5"), e.getMessage());
    }
}
