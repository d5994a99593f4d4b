package dev.llava4j.llava.eval;

import dev.llava4j.llava.eval.py.PyStrings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EvalAI answer processor of LLaVA's {@code m4c_evaluator.py} (used for TextVQA scoring and the
 * VQAv2/VizWiz upload files), quirks included:
 * <ul>
 *   <li>commas are deleted before the punctuation step, so its "comma between digits" rule never fires;</li>
 *   <li>whether a mark is deleted or replaced by a space depends on the text as it entered the step;</li>
 *   <li>at most 32 periods are removed, because Python's {@code re.sub} received {@code re.UNICODE} (= 32)
 *       as its {@code count} argument;</li>
 *   <li>the contraction keys with capitals ({@code Im}, {@code Ive}, ...) can never match after lower-casing.</li>
 * </ul>
 */
public final class VqaNormalizer {

    /** In the official order; it matters because each decision looks at the step's input text. */
    static final List<String> PUNCTUATION = List.of(
            ";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!");

    /** Python's {@code \d} is any Unicode decimal digit. */
    private static final Pattern DIGIT_COMMA = Pattern.compile("(?<=\\p{Nd}),+(?=\\p{Nd})");
    /** The official pattern's look-behind is mistyped as {@code (?!<=\d)}, a no-op, so only the look-ahead acts. */
    private static final Pattern PERIOD = Pattern.compile("\\.(?!\\p{Nd})");
    /** {@code re.UNICODE} passed positionally as {@code count}. */
    static final int PERIOD_LIMIT = 32;

    static final Map<String, String> NUMBERS = Map.ofEntries(
            Map.entry("none", "0"), Map.entry("zero", "0"), Map.entry("one", "1"), Map.entry("two", "2"),
            Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"),
            Map.entry("seven", "7"), Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"));

    static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** The official table verbatim, as key=value pairs (including the reversed somebody'd entry). */
    private static final String CONTRACTION_TABLE = """
            aint=ain't arent=aren't cant=can't couldve=could've couldnt=couldn't couldn'tve=couldn't've
            couldnt've=couldn't've didnt=didn't doesnt=doesn't dont=don't hadnt=hadn't hadnt've=hadn't've
            hadn'tve=hadn't've hasnt=hasn't havent=haven't hed=he'd hed've=he'd've he'dve=he'd've hes=he's
            howd=how'd howll=how'll hows=how's Id've=I'd've I'dve=I'd've Im=I'm Ive=I've isnt=isn't itd=it'd
            itd've=it'd've it'dve=it'd've itll=it'll let's=let's maam=ma'am mightnt=mightn't
            mightnt've=mightn't've mightn'tve=mightn't've mightve=might've mustnt=mustn't mustve=must've
            neednt=needn't notve=not've oclock=o'clock oughtnt=oughtn't ow's'at='ow's'at 'ows'at='ow's'at
            'ow'sat='ow's'at shant=shan't shed've=she'd've she'dve=she'd've she's=she's shouldve=should've
            shouldnt=shouldn't shouldnt've=shouldn't've shouldn'tve=shouldn't've somebody'd=somebodyd
            somebodyd've=somebody'd've somebody'dve=somebody'd've somebodyll=somebody'll
            somebodys=somebody's someoned=someone'd someoned've=someone'd've someone'dve=someone'd've
            someonell=someone'll someones=someone's somethingd=something'd somethingd've=something'd've
            something'dve=something'd've somethingll=something'll thats=that's thered=there'd
            thered've=there'd've there'dve=there'd've therere=there're theres=there's theyd=they'd
            theyd've=they'd've they'dve=they'd've theyll=they'll theyre=they're theyve=they've twas='twas
            wasnt=wasn't wed've=we'd've we'dve=we'd've weve=we've werent=weren't whatll=what'll
            whatre=what're whats=what's whatve=what've whens=when's whered=where'd wheres=where's
            whereve=where've whod=who'd whod've=who'd've who'dve=who'd've wholl=who'll whos=who's
            whove=who've whyll=why'll whyre=why're whys=why's wont=won't wouldve=would've wouldnt=wouldn't
            wouldnt've=wouldn't've wouldn'tve=wouldn't've yall=y'all yall'll=y'all'll y'allll=y'all'll
            yall'd've=y'all'd've y'alld've=y'all'd've y'all'dve=y'all'd've youd=you'd youd've=you'd've
            you'dve=you'd've youll=you'll youre=you're youve=you've
            """;

    static final Map<String, String> CONTRACTIONS = parseTable(CONTRACTION_TABLE);

    private VqaNormalizer() {
    }

    /** The processed answer, as {@code EvalAIAnswerProcessor()(answer)} returns it. */
    public static String normalize(String answer) {
        String s = wordTokenize(answer);
        s = PyStrings.strip(s.replace("\n", " ").replace("\t", " "));
        s = processPunctuation(s);
        return processDigitArticle(s);
    }

    static String wordTokenize(String word) {
        String s = PyStrings.lower(word);
        s = s.replace(",", "").replace("?", "").replace("'s", " 's");
        return PyStrings.strip(s);
    }

    static String processPunctuation(String in) {
        String out = in;
        boolean digitComma = DIGIT_COMMA.matcher(in).find();
        for (String p : PUNCTUATION) {
            if (in.contains(p + " ") || in.contains(" " + p) || digitComma) {
                out = out.replace(p, "");
            } else {
                out = out.replace(p, " ");
            }
        }
        return removePeriods(out);
    }

    /** Deletes the first {@link #PERIOD_LIMIT} periods that are not followed by a digit. */
    private static String removePeriods(String s) {
        Matcher m = PERIOD.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        int removed = 0;
        while (removed < PERIOD_LIMIT && m.find()) {
            m.appendReplacement(sb, "");
            removed++;
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String processDigitArticle(String in) {
        StringBuilder sb = new StringBuilder();
        for (String word : PyStrings.split(PyStrings.lower(in))) {
            String w = NUMBERS.getOrDefault(word, word);
            if (ARTICLES.contains(w)) {
                continue;
            }
            w = CONTRACTIONS.getOrDefault(w, w);
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(w);
        }
        return sb.toString();
    }

    private static Map<String, String> parseTable(String table) {
        Map<String, String> map = new HashMap<>();
        for (String pair : table.strip().split("\\s+")) {
            int eq = pair.indexOf('=');
            map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return Map.copyOf(map);
    }
}
