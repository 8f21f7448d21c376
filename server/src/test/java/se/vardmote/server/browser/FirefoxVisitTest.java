package se.vardmote.server.browser;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A patient in Firefox ESR and a clinician in Chromium: each decodes the other's video and hears the other. */
@Tag("browser")
class FirefoxVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(60);

    @BeforeAll
    static void require() {
        FirefoxPeer.requireFirefox();
    }

    @Test
    void aFirefoxPatientAndAChromiumClinicianDecodeEachOthersVideoAndAudio() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             FirefoxPeer patient = FirefoxPeer.join("patient", links.get(1), Duration.ofSeconds(90))) {
            clinician.awaitReceived("the Firefox patient's video and audio", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 30) == 1 && Visitor.flowing(s, "audios", "packets", 100) == 1);
            patient.awaitReceived("the Chromium clinician's video and audio", MEDIA_TIMEOUT,
                    s -> s.get("videos").asInt() == 1 && s.get("frames").asInt() >= 30
                            && s.get("audios").asInt() == 1 && s.get("audioPackets").asInt() >= 100);
        }
    }

    @Test
    void inAGroupOfChromiumAndFirefoxEveryoneDecodesEveryOther() throws Exception {
        List<String> links = book("group", "clinician", "patient", "guardian");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             FirefoxPeer patient = FirefoxPeer.join("patient", links.get(1), Duration.ofSeconds(120));
             FirefoxPeer guardian = FirefoxPeer.join("guardian", links.get(2), Duration.ofSeconds(120))) {
            clinician.awaitReceived("both Firefox participants' video and audio", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 30) == 2 && Visitor.flowing(s, "audios", "packets", 100) == 2);
            for (FirefoxPeer firefox : List.of(patient, guardian)) {
                firefox.awaitReceived("two videos and two voices", MEDIA_TIMEOUT,
                        s -> s.get("videos").asInt() == 2 && s.get("minFrames").asInt() >= 30
                                && s.get("audios").asInt() == 2 && s.get("minAudioPackets").asInt() >= 100);
            }
        }
    }
}
