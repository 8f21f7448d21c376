package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * A group visit of four in Chromium, every camera sending simulcast (640×360 and 320×180): three participants on a good
 * line, one (the guardian) behind a narrow downlink ({@link NarrowDownlink}). The server gives the guardian
 * lower layers that its link holds, while the other three keep the top layer of everyone, and nobody's picture
 * freezes. Runs in a private network namespace (tag "impaired").
 */
@Tag("impaired")
class SimulcastGroupVisitTest {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(60);
    /** Three top layers (640×360) do not fit; the lower ones (320×180) do. */
    private static final int DOWNLINK_KBITS = 900;
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Duration WINDOW = Duration.ofSeconds(15);
    private static final double MAX_FREEZE_SHARE = 0.10;
    /** Every tile moves: a paused (audio-only) or frozen picture is not "nobody freezes". */
    private static final double MIN_FRAMES_PER_SECOND = 10;

    @TempDir static Path dir;
    static NarrowDownlink link;
    static VardmoteServer server;
    static Chromium roomBrowser;
    static Chromium cappedBrowser;

    @BeforeAll
    static void start() throws Exception {
        link = NarrowDownlink.capped(DOWNLINK_KBITS);
        InetAddress address = InetAddress.getByName(NarrowDownlink.SERVER_ADDRESS);
        server = VardmoteServer.start(new ServerConfig(0, 0, 1, address, List.of(address),
                List.of(Cidr.parse("10.99.0.0/24")), null, dir.resolve("data"), null, null, null, null, 8,
                15, 60, 90, true, TurnServers.NONE, 0, 90, 0));
        List<String> insecureOk = List.of("--unsafely-treat-insecure-origin-as-secure=" + server.baseUrl());
        roomBrowser = Chromium.launch(insecureOk);
        cappedBrowser = Chromium.launch(insecureOk, NarrowDownlink.chromiumWrapper(dir));
    }

    @AfterAll
    static void stop() {
        if (roomBrowser != null) roomBrowser.close();
        if (cappedBrowser != null) cappedBrowser.close();
        if (server != null) server.close();
        if (link != null) link.close();
    }

    @Test
    void theParticipantBehindANarrowLinkGetsLowerLayersWhileTheOthersKeepTheTopOne() throws Exception {
        List<String> links = TestBooking.joinUrls(
                TestBooking.book(server, "group", false, "clinician", "patient", "clinician", "guardian"));
        List<Visitor> visitors = new ArrayList<>();
        try {
            visitors.add(new Visitor(roomBrowser.browser, "clinician", links.get(0), Visitor.GROUP_FRAMES));
            visitors.add(new Visitor(roomBrowser.browser, "patient", links.get(1), Visitor.GROUP_FRAMES));
            visitors.add(new Visitor(roomBrowser.browser, "specialist", links.get(2), Visitor.GROUP_FRAMES));
            visitors.add(new Visitor(cappedBrowser.browser, "guardian", links.get(3), Visitor.GROUP_FRAMES));
            try {
                for (Visitor v : visitors) {
                    v.awaitReceived("three others' video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) >= 3);
                }
            } catch (AssertionError e) {
                for (Visitor v : visitors) System.out.printf("[impaired] simulcast: %s sends %s%n", v.name, v.sent());
                System.out.printf("[impaired] simulcast counters: %s%n", server.media().routerCounters());
                throw e;
            }
            Thread.sleep(SETTLE.toMillis());
            List<Map<String, Object>> before = visitors.stream().map(Visitor::received).toList();
            Thread.sleep(WINDOW.toMillis());
            List<Map<String, Object>> after = visitors.stream().map(Visitor::received).toList();
            double seconds = WINDOW.toMillis() / 1000.0;

            int topWidth = Integer.MAX_VALUE;
            for (Visitor v : visitors) {
                Map<String, Object> sent = v.sent();
                int widest = 0;
                for (Object layer : (List<?>) sent.get("layers")) {
                    widest = Math.max(widest, ((Number) ((Map<?, ?>) layer).get("width")).intValue());
                }
                System.out.printf("[impaired] simulcast: %s sends %s, available %.0f kbit/s%n", v.name, sent.get("layers"),
                        ((Number) sent.get("availableOutgoingBitrate")).doubleValue() / 1000);
                topWidth = Math.min(topWidth, widest);
            }
            Map<String, Long> counters = server.media().routerCounters();
            for (int i = 0; i < visitors.size(); i++) {
                Visitor v = visitors.get(i);
                boolean capped = i == visitors.size() - 1;
                double fps = (Visitor.total(after.get(i), "videos", "frames") - Visitor.total(before.get(i), "videos", "frames"))
                        / seconds / 3;
                double freezes = Visitor.total(after.get(i), "videos", "freezes") - Visitor.total(before.get(i), "videos", "freezes");
                double audio = Visitor.total(after.get(i), "audios", "packets") - Visitor.total(before.get(i), "audios", "packets");
                List<Integer> widths = widths(after.get(i));
                List<Double> streamFps = framesPerSecondByStream(before.get(i), after.get(i), seconds);
                System.out.printf("[impaired] simulcast, %s%s: %.1f frames/s per stream, freezes %.1f s of 3 × %.0f s, "
                                + "widths %s, frames/s by stream %s, %.0f audio packets%n",
                        v.name, capped ? " (" + DOWNLINK_KBITS + " kbit/s downlink)" : "", fps, freezes, seconds, widths,
                        streamFps, audio);
                assertTrue(streamFps.size() == 3 && streamFps.stream().allMatch(f -> f >= MIN_FRAMES_PER_SECOND),
                        v.name + " has a picture that stands still or is paused: " + streamFps + " frames/s");
                assertTrue(freezes <= MAX_FREEZE_SHARE * 3 * seconds, v.name + " froze " + freezes + " s of 3 × " + seconds);
                assertTrue(audio >= 3 * 40 * seconds, v.name + " received " + audio + " audio packets");
                if (capped) {
                    assertTrue(widths.stream().anyMatch(w -> w < 640), v.name + " got no lower layer: " + widths);
                } else {
                    int top = topWidth;
                    assertTrue(widths.size() == 3 && widths.stream().allMatch(w -> w >= top),
                            v.name + " does not get the top layer (" + top + " px) of everyone: " + widths);
                }
            }
            System.out.printf("[impaired] simulcast counters: %s%n", simulcastCounters(counters));
            assertTrue(counters.get("simulcast.layer.down") > 0, "no layer was lowered: " + counters);
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    /** Frames decoded per second in the window, for each video the participant receives. */
    private static List<Double> framesPerSecondByStream(Map<String, Object> before, Map<String, Object> after, double seconds) {
        Map<String, Double> start = new java.util.HashMap<>();
        for (Object video : (List<?>) before.get("videos")) {
            Map<?, ?> m = (Map<?, ?>) video;
            start.put((String) m.get("id"), ((Number) m.get("frames")).doubleValue());
        }
        List<Double> out = new ArrayList<>();
        for (Object video : (List<?>) after.get("videos")) {
            Map<?, ?> m = (Map<?, ?>) video;
            double frames = ((Number) m.get("frames")).doubleValue() - start.getOrDefault((String) m.get("id"), 0.0);
            out.add(Math.round(frames / seconds * 10) / 10.0);
        }
        return out;
    }

    private static List<Integer> widths(Map<String, Object> stats) {
        List<Integer> out = new ArrayList<>();
        for (Object video : (List<?>) stats.get("videos")) {
            Map<?, ?> m = (Map<?, ?>) video;
            if (((Number) m.get("frames")).doubleValue() > 0) out.add(((Number) m.get("width")).intValue());
        }
        return out;
    }

    private static Map<String, Long> simulcastCounters(Map<String, Long> counters) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith("simulcast.") || k.equals("rtp.dropped.paused") || k.equals("rtp.ssrc.bound_by_rid")) out.put(k, v);
        });
        return out;
    }
}
