package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.striate.nn.Graph;

/** The model file keeps how a model was trained (section TRAN), and only when there is something to keep. */
class TrainingNotesTest {

    @Test
    void notesComeBackAndCostNothingWhenAbsent() {
        Graph plain = ModelFileTest.smallModel(1);
        byte[] without = ModelFile.toBytes(plain);
        assertEquals("", ModelFile.fromBytes(without, "plain").training());
        assertTrue(!new String(without, StandardCharsets.ISO_8859_1).contains(ModelFile.TRAN), "no empty section");

        String notes = "model: lenet5\noptimizer: adam, lr 0.001\ndata: /tmp/été";
        byte[] with = ModelFile.toBytes(ModelFileTest.smallModel(1).training(notes));
        assertEquals(without.length + 8 + notes.getBytes(StandardCharsets.UTF_8).length, with.length);
        Graph back = ModelFile.fromBytes(with, "with notes");
        assertEquals(notes, back.training());
        assertEquals(notes, back.resized(back.inputShape()).training(), "a resized copy keeps them");
    }

    @Test
    void aControlCharacterInTheNotesIsRefused() {
        byte[] bytes = ModelFile.toBytes(ModelFileTest.smallModel(1).training("model: a\u0007b"));
        // the CRC would catch a flipped byte, so the bad notes are written as they are and the file is otherwise sound
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(bytes, "bell.striate"));
        assertTrue(e.getMessage().contains("bell.striate") && e.getMessage().contains("control character"), e.getMessage());
    }
}
