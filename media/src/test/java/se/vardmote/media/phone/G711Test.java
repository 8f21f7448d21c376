package se.vardmote.media.phone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    // Reference values: sox 14.4 (-D, no dither) on this machine, except A-law of −100: sox rounds the 16 → 13 bit
    // step, the ITU-T G.191 reference coder truncates (~x >> 3 = 12 → 0x53, decoding to −104, nearer than sox's −88).
    private static final int[] LINEAR = {0, 8, -8, 100, -100, 1000, -1000, 4000, -4000, 32767, -32768, 12345, -12345};
    private static final int[] ULAW = {0xff, 0xfe, 0x7e, 0xf2, 0x72, 0xce, 0x4e, 0xaf, 0x2f, 0x80, 0x00, 0x97, 0x17};
    private static final int[] ALAW = {0xd5, 0xd5, 0x55, 0xd3, 0x53, 0xfa, 0x7a, 0x9a, 0x1a, 0xaa, 0x2a, 0xbd, 0x3d};

    @Test
    void encodesKnownSamplesAsTheReferenceDoes() {
        for (int i = 0; i < LINEAR.length; i++) {
            assertEquals(ULAW[i], G711.linearToUlaw(LINEAR[i]) & 0xFF, "μ-law of " + LINEAR[i]);
            assertEquals(ALAW[i], G711.linearToAlaw(LINEAR[i]) & 0xFF, "A-law of " + LINEAR[i]);
        }
    }

    @Test
    void decodesKnownCodesAsTheReferenceDoes() {
        int[] codes = {0x00, 0x7f, 0x80, 0xff, 0x55, 0xd5, 0x2a, 0xaa, 0x13, 0x9c};
        int[] ulaw = {-32124, 0, 32124, 0, -716, 716, -5372, 5372, -14460, 9852};
        int[] alaw = {-5504, -848, 5504, 848, -8, 8, -32256, 32256, -2880, 3264};
        for (int i = 0; i < codes.length; i++) {
            assertEquals(ulaw[i], G711.ulawToLinear(codes[i]), "μ-law code " + codes[i]);
            assertEquals(alaw[i], G711.alawToLinear(codes[i]), "A-law code " + codes[i]);
        }
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int code = 0; code < 256; code++) {
            int u = G711.linearToUlaw(G711.ulawToLinear(code)) & 0xFF;
            // 0x7F is μ-law's "negative zero": it decodes to 0, which encodes as 0xFF.
            assertEquals(code == 0x7F ? 0xFF : code, u, "μ-law code " + code);
            assertEquals(code, G711.linearToAlaw(G711.alawToLinear(code)) & 0xFF, "A-law code " + code);
        }
    }

    @Test
    void roundTripErrorStaysWithinHalfAQuantisationStep() {
        for (int x = -32768; x <= 32767; x += 7) {
            int u = G711.ulawToLinear(G711.linearToUlaw(x));
            int a = G711.alawToLinear(G711.linearToAlaw(x));
            // Segment 7 steps are 1024 (μ) and 1024 (A) wide; relative error of a log codec stays ≲ 1/16.
            assertTrue(Math.abs(u - x) <= Math.max(8, Math.abs(x) / 16 + 8), "μ-law " + x + " → " + u);
            assertTrue(Math.abs(a - x) <= Math.max(16, Math.abs(x) / 16 + 16), "A-law " + x + " → " + a);
        }
    }
}
