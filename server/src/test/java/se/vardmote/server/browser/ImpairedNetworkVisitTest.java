package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Visits on a network that is not perfect, in headless Chromium at its default camera size: under 5 %
 * random UDP loss the subscribers must keep decoding (the server's retransmissions). The clean-link ramp is
 * {@link CleanLinkRampVisitTest}. Runs in a private network namespace (tag "impaired", see
 * {@link Impairment}); figures are printed for docs/performance.md.
 */
@Tag("impaired")
class ImpairedNetworkVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);
    private static final double MIN_FRAMES_PER_SECOND_UNDER_LOSS = 15;
    private static final double MAX_FREEZE_SHARE_UNDER_LOSS = 0.10;
    /** The share of a camera's frames still decoded under loss: 15 of Chromium's 20 in two-party, as the issue asks. */
    private static final double MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS = 0.75;

    @BeforeAll
    static void require() {
        Impairment.requirePrivateNamespace();
    }

    private List<Visitor> twoParty() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        List<Visitor> visitors = List.of(
                new Visitor(chromium.browser, "clinician", links.get(0), Visitor.DEFAULT_FRAMES),
                new Visitor(chromium.browser, "patient", links.get(1), Visitor.DEFAULT_FRAMES));
        for (Visitor v : visitors) {
            v.awaitReceived("the other's video and audio", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 10) == 1 && Visitor.flowing(s, "audios", "packets", 50) == 1);
        }
        return visitors;
    }

    @Test
    void underFivePercentLossSubscribersKeepDecodingWithoutFreezing() throws Exception {
        List<Visitor> visitors = twoParty();
        try (Impairment loss = Impairment.udpLoss(5)) {
            measureUnderLoss(loss, "two-party", visitors, 1, MIN_FRAMES_PER_SECOND_UNDER_LOSS);
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    /**
     * A group of four, each sending simulcast at 640×360 and 15 frames/s (as {@link SimulcastGroupVisitTest}): under
     * 5 % loss every picture each participant receives keeps at least {@value #MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS}
     * of the camera's frames, with as few freezes as two-party.
     */
    @Test
    void underFivePercentLossAGroupOfFourKeepsDecodingEveryPicture() throws Exception {
        List<String> links = book("group", "clinician", "patient", "clinician", "guardian");
        List<Visitor> visitors = new ArrayList<>();
        try {
            for (String name : List.of("clinician", "patient", "specialist", "guardian")) {
                visitors.add(new Visitor(chromium.browser, name, links.get(visitors.size()), Visitor.GROUP_FRAMES));
            }
            for (Visitor v : visitors) {
                v.awaitReceived("the three others' video and audio", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 10) == 3 && Visitor.flowing(s, "audios", "packets", 50) == 3);
            }
            try (Impairment loss = Impairment.udpLoss(5)) {
                measureUnderLoss(loss, "group of four", visitors, 3, MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS * 15);
            }
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    /**
     * A Firefox ESR patient and a Chromium clinician under 5 % loss: each keeps decoding the other. Firefox sends
     * its own RTX and plain Opus (no RED), and receives the server's RTX and the primary frames of Chromium's RED.
     */
    @Test
    void underFivePercentLossAFirefoxPatientAndAChromiumClinicianKeepDecoding() throws Exception {
        FirefoxPeer.requireFirefox();
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.DEFAULT_FRAMES);
             FirefoxPeer patient = FirefoxPeer.join("patient", links.get(1), Duration.ofSeconds(120))) {
            clinician.awaitReceived("the Firefox patient's video and audio", MEDIA_TIMEOUT,
                    s -> Visitor.flowing(s, "videos", "frames", 10) == 1 && Visitor.flowing(s, "audios", "packets", 50) == 1);
            patient.awaitReceived("the Chromium clinician's video and audio", MEDIA_TIMEOUT,
                    s -> s.get("videos").asInt() == 1 && s.get("frames").asInt() >= 10 && s.get("audioPackets").asInt() >= 50);
            try (Impairment loss = Impairment.udpLoss(5)) {
                Thread.sleep(5_000);
                long windowMillis = 20_000;
                Map<String, Object> before = clinician.received();
                com.fasterxml.jackson.databind.JsonNode firefoxBefore = patient.latest();
                Thread.sleep(windowMillis);
                Map<String, Object> after = clinician.received();
                com.fasterxml.jackson.databind.JsonNode firefoxAfter = patient.latest();
                double seconds = windowMillis / 1000.0;
                double clinicianFps = (Visitor.total(after, "videos", "frames") - Visitor.total(before, "videos", "frames")) / seconds;
                double clinicianFreezes = Visitor.total(after, "videos", "freezes") - Visitor.total(before, "videos", "freezes");
                double clinicianAudio = Visitor.total(after, "audios", "packets") - Visitor.total(before, "audios", "packets");
                double patientFps = (firefoxAfter.get("frames").asDouble() - firefoxBefore.get("frames").asDouble()) / seconds;
                double patientAudio = firefoxAfter.get("audioPackets").asDouble() - firefoxBefore.get("audioPackets").asDouble();
                System.out.printf("[impaired] 5%% loss, Firefox two-party: Chromium clinician decodes %.1f frames/s of Firefox, "
                                + "freezes %.1f s of %.0f s, %.0f audio packets; Firefox patient decodes %.1f frames/s of "
                                + "Chromium, %.0f audio packets; %d datagrams dropped so far%n",
                        clinicianFps, clinicianFreezes, seconds, clinicianAudio, patientFps, patientAudio, loss.dropped());
                // Firefox's camera in the tests sends 15 frames/s (firefox-visitor.mjs), Chromium's 20.
                assertTrue(clinicianFps >= MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS * 15,
                        "the clinician decoded " + clinicianFps + " frames/s of Firefox's 15");
                assertTrue(clinicianFreezes <= MAX_FREEZE_SHARE_UNDER_LOSS * seconds, "the clinician froze " + clinicianFreezes + " s");
                assertTrue(patientFps >= MIN_FRAMES_PER_SECOND_UNDER_LOSS, "the Firefox patient decoded " + patientFps + " frames/s");
                assertTrue(clinicianAudio >= 40 * seconds && patientAudio >= 40 * seconds, "audio kept flowing both ways");
                assertTrue(loss.dropped() > 0, "the loss rule dropped nothing: the test measured a clean link");
            }
        }
    }

    /**
     * A group of four with two Firefox ESR participants (a patient and a guardian at 320×240, 15 frames/s) and two
     * Chromium clinicians: under 5 % loss every picture each one receives, from either engine, keeps at least
     * {@value #MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS} of the camera's frames.
     */
    @Test
    void underFivePercentLossAGroupOfTwoFirefoxAndTwoChromiumKeepsDecodingEveryPicture() throws Exception {
        FirefoxPeer.requireFirefox();
        List<String> links = book("group", "clinician", "clinician", "patient", "guardian");
        List<Visitor> chromiums = new ArrayList<>();
        try (FirefoxPeer patient = FirefoxPeer.join("patient", links.get(2), Duration.ofSeconds(150));
             FirefoxPeer guardian = FirefoxPeer.join("guardian", links.get(3), Duration.ofSeconds(150))) {
            chromiums.add(new Visitor(chromium.browser, "clinician", links.get(0), Visitor.GROUP_FRAMES));
            chromiums.add(new Visitor(chromium.browser, "specialist", links.get(1), Visitor.GROUP_FRAMES));
            for (Visitor v : chromiums) {
                v.awaitReceived("the three others' video and audio", MEDIA_TIMEOUT,
                        s -> Visitor.flowing(s, "videos", "frames", 10) == 3 && Visitor.flowing(s, "audios", "packets", 50) == 3);
            }
            for (FirefoxPeer f : List.of(patient, guardian)) {
                f.awaitReceived("the three others' video and audio", MEDIA_TIMEOUT, s -> s.get("videos").asInt() == 3
                        && s.get("minFrames").asInt() >= 10 && s.get("audios").asInt() == 3 && s.get("minAudioPackets").asInt() >= 50);
            }
            try (Impairment loss = Impairment.udpLoss(5)) {
                Thread.sleep(5_000);
                com.fasterxml.jackson.databind.JsonNode[] firefoxBefore = {patient.latest(), guardian.latest()};
                measureUnderLoss(loss, "group of two Firefox and two Chromium", chromiums, 3,
                        MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS * 15, 0);
                com.fasterxml.jackson.databind.JsonNode[] firefoxAfter = {patient.latest(), guardian.latest()};
                double seconds = 20;
                StringBuilder failures = new StringBuilder();
                String[] names = {"patient", "guardian"};
                for (int i = 0; i < 2; i++) {
                    double fps = (firefoxAfter[i].get("frames").asDouble() - firefoxBefore[i].get("frames").asDouble()) / seconds / 3;
                    double slowest = (firefoxAfter[i].get("minFrames").asDouble() - firefoxBefore[i].get("minFrames").asDouble()) / seconds;
                    double audio = firefoxAfter[i].get("audioPackets").asDouble() - firefoxBefore[i].get("audioPackets").asDouble();
                    System.out.printf("[impaired] 5%% loss, group of two Firefox and two Chromium: Firefox %s decodes %.1f frames/s "
                            + "per picture (slowest picture %.1f), %.0f audio packets; %d datagrams dropped so far%n",
                            names[i], fps, slowest, audio, loss.dropped());
                    failures.append(slowest >= MIN_SHARE_OF_CAMERA_FRAMES_UNDER_LOSS * 15 ? ""
                            : "Firefox " + names[i] + "'s slowest picture ran at " + slowest + " frames/s; ");
                    failures.append(audio >= 3 * 40 * seconds ? "" : "Firefox " + names[i] + " received " + audio + " audio packets; ");
                }
                assertTrue(failures.isEmpty(), failures.toString());
            }
        } finally {
            chromiums.forEach(Visitor::close);
        }
    }

    /** Lets the controllers meet the loss, then measures each visitor's {@code streams} pictures over a window. */
    private static void measureUnderLoss(Impairment loss, String label, List<Visitor> visitors, int streams,
                                         double minFramesPerSecond) throws Exception {
        measureUnderLoss(loss, label, visitors, streams, minFramesPerSecond, 5_000);
    }

    /** As above, after {@code settleMillis} instead of five seconds. */
    private static void measureUnderLoss(Impairment loss, String label, List<Visitor> visitors, int streams,
                                         double minFramesPerSecond, long settleMillis) throws Exception {
        Thread.sleep(settleMillis);
        long windowMillis = 20_000;
        Map<String, Object>[] before = snapshot(visitors);
        Thread.sleep(windowMillis);
        Map<String, Object>[] after = snapshot(visitors);
        double seconds = windowMillis / 1000.0;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < visitors.size(); i++) {
            String name = visitors.get(i).name;
            double fps = (Visitor.total(after[i], "videos", "frames") - Visitor.total(before[i], "videos", "frames"))
                    / seconds / streams;
            double freezes = Visitor.total(after[i], "videos", "freezes") - Visitor.total(before[i], "videos", "freezes");
            double audio = Visitor.total(after[i], "audios", "packets") - Visitor.total(before[i], "audios", "packets");
            double plis = Visitor.total(after[i], "videos", "plis") - Visitor.total(before[i], "videos", "plis");
            double nacks = Visitor.total(after[i], "videos", "nacks") - Visitor.total(before[i], "videos", "nacks");
            Map<String, Object> sent = visitors.get(i).sent();
            // The loss is UDP's: a visit that chose ICE-TCP would measure a clean link.
            Map<String, Object> paths = visitors.get(i).selectedLocalCandidates();
            failures.append(paths.values().stream().allMatch(c -> String.valueOf(c).endsWith("/udp")) ? ""
                    : name + "'s connections do not run over UDP: " + paths + "; ");
            System.out.printf("[impaired] 5%% loss, %s: %s (%s) decodes %.1f frames/s per picture, freezes %.1f s of %d × %.0f s, "
                            + "%.0f audio packets, %.0f PLIs, %.0f NACKs; %d datagrams dropped so far; its camera sends %s "
                            + "frames/s (limited by %s)%n",
                    label, name, paths.values(), fps, freezes, streams, seconds, audio, plis, nacks, loss.dropped(),
                    sent.get("framesPerSecond"), sent.get("qualityLimitationReason"));
            failures.append(fps >= minFramesPerSecond ? "" : name + " decoded " + fps + " frames/s per picture under 5 % loss; ");
            failures.append(freezes <= MAX_FREEZE_SHARE_UNDER_LOSS * streams * seconds ? ""
                    : name + " froze " + freezes + " s of " + streams + " × " + seconds + "; ");
            failures.append(audio >= streams * 40 * seconds ? ""
                    : name + " received " + audio + " audio packets in " + seconds + " s; ");
        }
        String serverSide = ServerMediaView.of(server);
        System.out.println("[impaired] 5% loss, " + label + ":" + serverSide);
        assertTrue(failures.isEmpty(), failures + serverSide);
        assertTrue(loss.dropped() > 0, "the loss rule dropped nothing: the test measured a clean link");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] snapshot(List<Visitor> visitors) {
        Map<String, Object>[] out = new Map[visitors.size()];
        for (int i = 0; i < out.length; i++) out[i] = visitors.get(i).received();
        return out;
    }
}
