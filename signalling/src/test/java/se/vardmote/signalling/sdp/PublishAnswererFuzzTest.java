package se.vardmote.signalling.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary bytes, as UTF-8, as a publish offer into {@link PublishAnswerer#answer}: only {@link SdpException}
 * may escape, and any answer it writes must parse with our own parser. Seeds in
 * PublishAnswererFuzzTestInputs/; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class PublishAnswererFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void answersOrRefusesWithSdpException(byte[] input) {
        PublishAnswer answer;
        try {
            answer = PublishAnswerer.answer(new String(input, StandardCharsets.UTF_8), SdpFixtures.LOCAL);
        } catch (SdpException refused) {
            return;
        }
        try {
            SessionDescription.parse(answer.sdp());
        } catch (SdpException e) {
            throw new AssertionError("the answer does not parse: " + e.getMessage() + "\n" + answer.sdp(), e);
        }
    }
}
