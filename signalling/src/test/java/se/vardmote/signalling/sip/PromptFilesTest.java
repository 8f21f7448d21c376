package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every prompt the IVR asks for ships in both languages as 8 kHz mono 16-bit PCM WAV, and is short. */
class PromptFilesTest {

    static final List<String> SPOKEN = List.of(DialInIvr.WELCOME, DialInIvr.ENTER_ID, DialInIvr.ID_INVALID,
            DialInIvr.NOT_OPEN, DialInIvr.LEADER_OR_HASH, DialInIvr.PIN_INVALID, DialInIvr.PIN_LOCKED,
            DialInIvr.PLEASE_WAIT, DialInIvr.GOODBYE, DialInIvr.MUTED, DialInIvr.UNMUTED);

    @Test
    void everyPromptShipsInBothLanguagesAsG711ReadyWav() throws Exception {
        for (PromptLanguage language : PromptLanguage.values()) {
            for (String name : SPOKEN) assertWav(language.prompt(name));
        }
        assertWav(DialInIvr.WAIT_TONE);
    }

    private static void assertWav(String name) throws Exception {
        try (InputStream in = PromptFilesTest.class.getResourceAsStream("/prompts/" + name + ".wav")) {
            assertNotNull(in, name);
            byte[] header = new byte[44];
            new DataInputStream(in).readFully(header);
            ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("RIFF", new String(header, 0, 4), name);
            assertEquals("WAVE", new String(header, 8, 4), name);
            assertEquals(1, b.getShort(20), name + ": PCM");
            assertEquals(1, b.getShort(22), name + ": mono");
            assertEquals(8000, b.getInt(24), name + ": 8 kHz");
            assertEquals(16, b.getShort(34), name + ": 16-bit");
            int bytes = b.getInt(4) + 8;
            assertTrue(bytes < 160_000, name + ": under 10 s");
        }
    }
}
