package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.TestBooking;
import se.vardmote.server.VardmoteServer;

/**
 * On a clean link each publisher's congestion controller must ramp past 1.5 Mbit/s on the server's
 * transport-cc feedback (issue 10's bar: a clinician must see a wound in detail, not a 300 kbit/s blur).
 * The camera is a picture with detail ({@link FakeCamera}, contrast 1: a face in an ordinary room), so the
 * encoder asks for more than that (1.7 Mbit/s at 640×480); with Chromium's own fake camera the encoder sends
 * ≈ 470 kbit/s and the estimate, rightly, stops at about 1.5 × what is sent. Not the busier contrast 3: on two
 * shared cores a browser's estimate sometimes backs off in the first seconds (a CI run: the patient's, with
 * no cap, NACK or loss from the server), and that picture, once scaled down to 320 px, is never scaled up
 * again, so the test would measure Chromium's quality scaler instead of the server's feedback. Runs in a
 * private network namespace (tag "impaired") for its simple leak detection and a loopback of its own.
 */
@Tag("impaired")
class CleanLinkRampVisitTest {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);
    private static final double MIN_AVAILABLE_BITRATE = 1_500_000;
    private static final Duration RAMP_TIME = Duration.ofSeconds(20);

    @TempDir static Path dir;
    static Chromium chromium;
    static VardmoteServer server;

    @BeforeAll
    static void start() throws Exception {
        Impairment.requirePrivateNamespace();
        chromium = Chromium.launch(FakeCamera.switchesFor(FakeCamera.texturedPicture(dir, 1)));
        server = VardmoteServer.start(ServerConfig.forTests(dir.resolve("data")));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (server != null) server.close();
    }

    @Test
    void onACleanLinkEachPublisherRampsPastOneAndAHalfMegabits() throws Exception {
        List<String> links = TestBooking.joinUrls(TestBooking.book(server, "two-party", false, "clinician", "patient"));
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.DEFAULT_FRAMES);
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.DEFAULT_FRAMES)) {
            List<Visitor> both = List.of(clinician, patient);
            for (Visitor v : both) {
                v.awaitReceived("the other's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            }
            long end = System.nanoTime() + RAMP_TIME.toNanos();
            double[] bytes = new double[both.size()];
            long last = System.nanoTime();
            StringBuilder history = new StringBuilder();
            while (System.nanoTime() < end) {
                Thread.sleep(4000);
                long now = System.nanoTime();
                StringBuilder line = new StringBuilder("[impaired] clean link ramp:");
                for (int i = 0; i < both.size(); i++) {
                    Map<String, Object> sent = both.get(i).sent();
                    double total = ((Number) sent.get("videoBytesSent")).doubleValue();
                    line.append(String.format(" %s available %.0f kbit/s, video sent %.0f kbit/s (target %.0f, %s px wide, %s frames/s, limited by %s);",
                            both.get(i).name, ((Number) sent.get("availableOutgoingBitrate")).doubleValue() / 1000,
                            (total - bytes[i]) * 8 / ((now - last) / 1e9) / 1000,
                            ((Number) sent.get("targetBitrate")).doubleValue() / 1000, sent.get("frameWidth"),
                            sent.get("framesPerSecond"), sent.get("qualityLimitationReason")));
                    bytes[i] = total;
                }
                last = now;
                line.append(ServerMediaView.of(server));
                System.out.println(line);
                history.append('\n').append(line);
            }
            for (Visitor v : both) {
                double available = ((Number) v.sent().get("availableOutgoingBitrate")).doubleValue();
                assertTrue(available >= MIN_AVAILABLE_BITRATE, v.name + " available outgoing bitrate after "
                        + RAMP_TIME.toSeconds() + " s: " + available + " bit/s; the server's congestion feedback should let it ramp past "
                        + MIN_AVAILABLE_BITRATE + " (sent: " + v.sent() + ")" + history);
            }
        }
    }
}
