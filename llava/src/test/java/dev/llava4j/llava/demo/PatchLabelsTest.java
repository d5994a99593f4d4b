package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchLabelsTest {

    @TempDir
    Path dir;

    @Test
    void oneLabelPerObjectInItsGridCell() throws IOException {
        ShapeWorld.Output world = ShapeWorld.generate(dir, 3, 30, 5, 48);
        List<SceneFile.Entry> scenes = SceneFile.read(world.scenesJsonl());
        assertEquals(35, scenes.size());
        List<PatchLabels> train = PatchLabels.of(scenes, ShapeWorld.SPLIT_TRAIN, 3);
        assertEquals(30, train.size());
        for (int i = 0; i < train.size(); i++) {
            Scene scene = scenes.get(i).scene();
            PatchLabels l = train.get(i);
            int objects = 0;
            for (int k = 0; k < 9; k++) {
                assertEquals(l.colour()[k] == 0, l.shape()[k] == 0, "patch " + k);
                objects += l.colour()[k] == 0 ? 0 : 1;
            }
            assertEquals(scene.objects().size(), objects);
            for (SceneObject o : scene.objects()) { // the 3x3 patch grid is the world's 3x3 cell grid
                int k = o.cell().row() * 3 + o.cell().column();
                assertEquals(o.color().ordinal() + 1, l.colour()[k]);
                assertEquals(o.shape().ordinal() + 1, l.shape()[k]);
            }
        }
    }

    @Test
    void handBuiltScene() {
        Scene scene = new Scene(48, List.of(
                new SceneObject(Shape.STAR, ShapeColor.BLUE, GridCell.CENTER, 24, 24, 10),
                new SceneObject(Shape.CIRCLE, ShapeColor.RED, GridCell.TOP_LEFT, 8, 8, 10)));
        PatchLabels l = PatchLabels.of("x.png", scene, 3);
        assertArrayEquals(new int[] {1, 0, 0, 0, 3, 0, 0, 0, 0}, l.colour());
        assertArrayEquals(new int[] {1, 0, 0, 0, 4, 0, 0, 0, 0}, l.shape());
    }

    @Test
    void badSceneLineNamesFileAndLine() throws IOException {
        Path f = dir.resolve("scenes.jsonl");
        Files.writeString(f, "{\"image\":\"a.png\",\"split\":\"train\",\"size\":48,\"objects\":[]}\n"
                + "{\"image\":\"b.png\",\"split\":\"train\",\"size\":48,\"objects\":[{\"shape\":\"hexagon\","
                + "\"color\":\"red\",\"cell\":\"top\",\"x\":1,\"y\":1,\"size\":5}]}\n");
        IOException e = assertThrows(IOException.class, () -> SceneFile.read(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage()); // a scene needs at least one object
        Files.writeString(f, "{\"image\":\"b.png\",\"split\":\"train\",\"size\":48,\"objects\":[{\"shape\":\"hexagon\","
                + "\"color\":\"red\",\"cell\":\"top\",\"x\":1,\"y\":1,\"size\":5}]}\n");
        e = assertThrows(IOException.class, () -> SceneFile.read(f));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("hexagon"), e.getMessage());
    }
}
