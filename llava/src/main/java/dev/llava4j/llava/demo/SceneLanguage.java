package dev.llava4j.llava.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo world's language: captions, detailed descriptions and questions with their answers, all derived
 * from the scene. A deliberately small, regular vocabulary.
 */
final class SceneLanguage {

    /** The kinds with an open answer (everything but yes/no existence). */
    static final List<QuestionKind> OPEN_KINDS =
            List.of(QuestionKind.COLOR, QuestionKind.SHAPE, QuestionKind.COUNT, QuestionKind.POSITION);

    private static final String[] NUMBER_WORDS = {"no", "one", "two", "three"};

    private SceneLanguage() {
    }

    /** "Two red circles and a blue square.": each (colour, shape) kind once, with its count. */
    static String caption(Scene scene) {
        List<String> items = new ArrayList<>();
        for (Scene.Kind kind : scene.kinds()) {
            items.add(counted(kind));
        }
        return capitalise(joinList(items)) + ".";
    }

    /** "There are three objects: a red circle, two blue squares and a green star." */
    static String objectList(Scene scene) {
        List<String> items = new ArrayList<>();
        for (Scene.Kind kind : scene.kinds()) {
            items.add(counted(kind));
        }
        return objectCount(scene) + ": " + joinList(items) + ".";
    }

    /** "There are three objects in the image. A red circle is in the top left corner, ... at the bottom." */
    static String detailedDescription(Scene scene) {
        List<String> items = new ArrayList<>();
        for (SceneObject o : scene.objects()) {
            items.add("a " + o.name() + " is " + o.cell().phrase());
        }
        return objectCount(scene) + " in the image. " + capitalise(joinList(items)) + ".";
    }

    private static String objectCount(Scene scene) {
        int n = scene.objects().size();
        return n == 1 ? "There is one object" : "There are " + NUMBER_WORDS[n] + " objects";
    }

    /** Every question of a kind that has a unique answer in this scene (EXISTENCE: use {@link #existence}). */
    static List<Question> questions(Scene scene, QuestionKind kind) {
        List<Question> out = new ArrayList<>();
        switch (kind) {
            case COLOR -> {
                for (Shape shape : Shape.values()) {
                    if (scene.count(shape) == 1) {
                        SceneObject o = only(scene, shape);
                        ShapeColor c = o.color();
                        out.add(new Question(kind, "What color is the " + shape.word() + "?", capitalise(c.word()),
                                "The " + shape.word() + " is " + c.word() + ".", o.name()));
                    }
                }
            }
            case SHAPE -> {
                for (ShapeColor color : ShapeColor.values()) {
                    if (scene.count(color) == 1) {
                        SceneObject o = only(scene, color);
                        Shape s = o.shape();
                        out.add(new Question(kind, "What shape is the " + color.word() + " object?",
                                capitalise(s.word()), "The " + color.word() + " object is a " + s.word() + ".",
                                o.name()));
                    }
                }
            }
            case COUNT -> {
                for (Shape shape : Shape.values()) {
                    int n = scene.count(shape);
                    String sentence = switch (n) {
                        case 0 -> "There are no " + shape.plural() + ".";
                        case 1 -> "There is one " + shape.word() + ".";
                        default -> "There are " + NUMBER_WORDS[n] + " " + shape.plural() + ".";
                    };
                    out.add(new Question(kind, "How many " + shape.plural() + " are there?", Integer.toString(n),
                            sentence, null));
                }
            }
            case POSITION -> {
                for (SceneObject o : scene.objects()) {
                    if (scene.count(o.color(), o.shape()) == 1) {
                        out.add(new Question(kind, "Where is the " + o.name() + "?", capitalise(o.cell().label()),
                                "The " + o.name() + " is " + o.cell().phrase() + ".", o.name()));
                    }
                }
            }
            case EXISTENCE -> throw new IllegalArgumentException("existence questions come from existence()");
        }
        return out;
    }

    /** "Is there a green triangle in the image?" with Yes/No and the matching sentence. */
    static Question existence(Scene scene, ShapeColor color, Shape shape) {
        boolean present = scene.count(color, shape) > 0;
        String name = color.word() + " " + shape.word();
        String article = "a " + name;
        return new Question(QuestionKind.EXISTENCE, "Is there " + article + " in the image?",
                present ? "Yes" : "No",
                present ? "Yes, there is " + article + " in the image." : "No, there is no " + name + " in the image.",
                present ? name : null);
    }

    private static SceneObject only(Scene scene, Shape shape) {
        return scene.objects().stream().filter(o -> o.shape() == shape).findFirst().orElseThrow();
    }

    private static SceneObject only(Scene scene, ShapeColor color) {
        return scene.objects().stream().filter(o -> o.color() == color).findFirst().orElseThrow();
    }

    /** "a red circle", "two red circles". */
    private static String counted(Scene.Kind kind) {
        String color = kind.color().word();
        return kind.count() == 1 ? "a " + color + " " + kind.shape().word()
                : NUMBER_WORDS[kind.count()] + " " + color + " " + kind.shape().plural();
    }

    /** "x", "x and y", "x, y and z". */
    static String joinList(List<String> items) {
        if (items.size() == 1) {
            return items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
