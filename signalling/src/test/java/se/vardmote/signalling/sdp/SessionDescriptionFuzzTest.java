package se.vardmote.signalling.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary bytes, as UTF-8, into {@link SessionDescription#parse}: it either parses or throws
 * {@link SdpException} with {@code sdp_invalid} or {@code sdp_too_large}, never anything else. Seeds (the
 * captured browser offers and a few edge cases) in SessionDescriptionFuzzTestInputs/; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
class SessionDescriptionFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parsesOrRefusesWithSdpException(byte[] input) {
        try {
            SessionDescription sdp = SessionDescription.parse(new String(input, StandardCharsets.UTF_8));
            if (sdp.media().size() > SessionDescription.MAX_MEDIA_SECTIONS) {
                throw new AssertionError("more sections than the limit");
            }
        } catch (SdpException e) {
            if (!e.code().equals("sdp_invalid") && !e.code().equals("sdp_too_large")) {
                throw new AssertionError("unexpected code " + e.code(), e);
            }
        }
    }
}
