package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.Cidr;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.TestBooking;
import se.vardmote.server.VardmoteServer;
import se.vardmote.signalling.TurnServers;

/**
 * A clinician on a good line whose camera wants 1.7 Mbit/s, a patient whose downlink carries 600 kbit/s
 * ({@link NarrowDownlink}). The patient's browser reports arrivals (transport-cc); the server estimates the
 * patient's downlink from them and caps the clinician's sending at it (REMB), so the patient gets a picture
 * its link can hold. Without the cap (measured 2026-12-04) the patient decoded no frame at all in 60 s:
 * 10 132 video packets lost, 242 PLIs. Runs in a private network namespace (tag "impaired").
 */
@Tag("impaired")
class NarrowDownlinkVisitTest {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(60);
    private static final int DOWNLINK_KBITS = 600;
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final Duration WINDOW = Duration.ofSeconds(15);
    private static final double MIN_FRAMES_PER_SECOND = 20;
    /** Of the video packets sent in the window, the most that may be lost: the link's queue must drain. */
    private static final double MAX_LOSS_SHARE = 0.01;

    @TempDir static Path dir;
    static NarrowDownlink link;
    static VardmoteServer server;
    static Chromium clinicianBrowser;
    static Chromium patientBrowser;

    @BeforeAll
    static void start() throws Exception {
        link = NarrowDownlink.capped(DOWNLINK_KBITS);
        InetAddress address = InetAddress.getByName(NarrowDownlink.SERVER_ADDRESS);
        server = VardmoteServer.start(new ServerConfig(0, 0, 1, address, List.of(address),
                List.of(Cidr.parse("10.99.0.0/24")), null, dir.resolve("data"), null, null, null, null, 8,
                15, 60, 90, true, TurnServers.NONE, 0, 90, 0));
        // An http:// page on a non-loopback address is no secure context: tell Chromium to treat it as one.
        List<String> insecureOk = List.of("--unsafely-treat-insecure-origin-as-secure=" + server.baseUrl());
        clinicianBrowser = Chromium.launch(concat(insecureOk, FakeCamera.switchesFor(FakeCamera.texturedPicture(dir, 1))));
        patientBrowser = Chromium.launch(insecureOk, NarrowDownlink.chromiumWrapper(dir));
    }

    @AfterAll
    static void stop() {
        if (clinicianBrowser != null) clinicianBrowser.close();
        if (patientBrowser != null) patientBrowser.close();
        if (server != null) server.close();
        if (link != null) link.close();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void thePatientBehindANarrowDownlinkKeepsAMovingPictureBecauseTheClinicianIsCappedToIt() throws Exception {
        List<String> links = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient"));
        try (Visitor clinician = new Visitor(clinicianBrowser.browser, "clinician", links.get(0), Visitor.DEFAULT_FRAMES);
             Visitor patient = new Visitor(patientBrowser.browser, "patient", links.get(1), Visitor.SMALL_FRAMES)) {
            patient.awaitReceived("the clinician's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            Thread.sleep(SETTLE.toMillis());
            Map<String, Object> before = patient.received();
            Thread.sleep(WINDOW.toMillis());
            Map<String, Object> after = patient.received();
            double seconds = WINDOW.toMillis() / 1000.0;
            double fps = (Visitor.total(after, "videos", "frames") - Visitor.total(before, "videos", "frames")) / seconds;
            double freezes = Visitor.total(after, "videos", "freezes") - Visitor.total(before, "videos", "freezes");
            double audio = Visitor.total(after, "audios", "packets") - Visitor.total(before, "audios", "packets");
            double lost = Visitor.total(after, "videos", "lost") - Visitor.total(before, "videos", "lost");
            double packets = Visitor.total(after, "videos", "packets") - Visitor.total(before, "videos", "packets");
            double plis = Visitor.total(after, "videos", "plis") - Visitor.total(before, "videos", "plis");
            double nacks = Visitor.total(after, "videos", "nacks") - Visitor.total(before, "videos", "nacks");
            double keyframes = Visitor.total(after, "videos", "keyframes") - Visitor.total(before, "videos", "keyframes");
            Map<String, Object> sent = clinician.sent();
            Map<String, Long> counters = server.media().routerCounters();
            System.out.printf("[impaired] %d kbit/s downlink: patient decodes %.1f frames/s, freezes %.1f s of %.0f s, "
                            + "%.0f audio packets; video %.0f packets, %.0f lost, %.0f NACKs, %.0f PLIs, %.0f keyframes; "
                            + "clinician available %.0f kbit/s (%s px wide); transport-cc in %d, probes %d, REMB out %d; server %s%n",
                    DOWNLINK_KBITS, fps, freezes, seconds, audio, packets, lost, nacks, plis, keyframes,
                    ((Number) sent.get("availableOutgoingBitrate")).doubleValue() / 1000, sent.get("frameWidth"),
                    counters.get("rtcp.consumed.transport_cc"), counters.get("rtp.probes.sent"), counters.get("rtcp.remb.sent"), sent);
            assertTrue(counters.get("rtcp.consumed.transport_cc") > 0,
                    "the patient reported arrivals and the server estimated its downlink: " + counters);
            assertTrue(counters.get("rtcp.remb.sent") > 0, "the clinician was told the cap: " + counters);
            assertTrue(((Number) sent.get("availableOutgoingBitrate")).doubleValue() <= DOWNLINK_KBITS * 1000 * 1.1,
                    "the clinician sends within the patient's downlink: " + sent);
            assertTrue(fps >= MIN_FRAMES_PER_SECOND, "the patient decoded " + fps + " frames/s");
            assertTrue(lost <= MAX_LOSS_SHARE * (packets + lost), "the patient lost " + lost + " of " + (packets + lost) + " video packets");
            // Freezes are printed, not asserted. Measured 2026-12-06 in twelve runs since repairs were limited and a
            // falling cap goes to the clinician at the next 50 ms tick: 0.0 to 1.2 s of 15 s in eleven, 3.0 s in one
            // (1.3 to 5.5 s in nine runs before). Two Chromium instances and the server share two cores here.
            assertTrue(audio >= 40 * seconds, "the patient received " + audio + " audio packets in " + seconds + " s");
        }
    }
}
