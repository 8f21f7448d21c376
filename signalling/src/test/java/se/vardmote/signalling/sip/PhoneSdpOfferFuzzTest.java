package se.vardmote.signalling.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary bytes, as UTF-8, into {@link PhoneSdpOffer#parse} and on into {@link PhoneSdpAnswer}: it
 * parses within its limits or throws IllegalArgumentException, never anything else. Seeds in
 * PhoneSdpOfferFuzzTestInputs/; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class PhoneSdpOfferFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parsesOrRefusesWithIllegalArgument(byte[] input) {
        PhoneSdpOffer offer;
        try {
            offer = PhoneSdpOffer.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            return;
        }
        if (offer.formats().size() > PhoneSdpOffer.MAX_FORMATS) throw new AssertionError("more formats than the limit");
        if (offer.port() < 0 || offer.port() > 65535) throw new AssertionError("port out of range");
        PhoneSdpAnswer answer = PhoneSdpAnswer.choose(offer, true);
        if (answer != null) {
            answer.write("127.0.0.1", 4000, 1, 1, PhoneSdpAnswer.answerDirection(offer.direction()));
        }
    }
}
