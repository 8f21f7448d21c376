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
 * line, one (the guardian) on a line that narrows during the visit ({@link NarrowDownlink}), as a 4G cell does when it
 * fills up. The line is first open; once the cameras have ramped, what the guardian receives is measured, and its
 * downlink is narrowed to a rate that holds the others' lower layers with their audio but not their top layers (how
 * many bits a layer takes depends on the camera and the machine, so the cap is set from what they really send, and the
 * test fails if the layers are too close for that to mean anything). The server then gives the guardian lower layers
 * its link holds, while the other three keep the top layer of everyone, and nobody's picture freezes. Runs in a private
 * network namespace (tag "impaired").
 */
@Tag("impaired")
class SimulcastGroupVisitTest {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(60);
    /** The guardian's line before it narrows: far more than four participants send. */
    private static final int OPEN_KBITS = 20_000;
    /** Time for the publishers' estimates and encoders to reach their layers' rates on open lines. */
    private static final Duration RAMP = Duration.ofSeconds(10);
    /** How long the guardian may take to climb to everyone's top layer while its line is open. */
    private static final Duration TOP_ON_OPEN_LINE = Duration.ofSeconds(45);
    private static final Duration MEASURE = Duration.ofSeconds(5);
    /** The narrowed line holds the lower layers and the audio with this much to spare. */
    private static final double LOWER_LAYERS_HEADROOM = 1.2;
    /** ... and the top layers exceed it by at least this much, or the test proves nothing about layers. */
    private static final double TOP_LAYERS_EXCESS = 1.10;
    /** IPv4 + UDP + RTP + SRTP tag and a few header extensions: what a packet costs on the wire besides its payload. */
    private static final int OVERHEAD_BYTES = 70;
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
        link = NarrowDownlink.capped(OPEN_KBITS);
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
            // On the open line the guardian gets everyone's top layer first, so that the narrowing takes it away.
            long open = System.nanoTime();
            visitors.get(visitors.size() - 1).awaitReceived("everyone's top layer on the open line", TOP_ON_OPEN_LINE,
                    s -> Visitor.widths(s).size() == 3 && Visitor.widths(s).stream().allMatch(w -> w >= 640));
            System.out.printf("[impaired] simulcast: the guardian receives everyone's top layer %d ms after media flows%n",
                    (System.nanoTime() - open) / 1_000_000);
            int downlinkKbits = narrowTheGuardiansLine(visitors);
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
            System.out.printf("[impaired] simulcast counters: %s%n", simulcastCounters(counters));
            for (int i = 0; i < visitors.size(); i++) {
                Visitor v = visitors.get(i);
                boolean capped = i == visitors.size() - 1;
                double fps = (Visitor.total(after.get(i), "videos", "frames") - Visitor.total(before.get(i), "videos", "frames"))
                        / seconds / 3;
                double freezes = Visitor.total(after.get(i), "videos", "freezes") - Visitor.total(before.get(i), "videos", "freezes");
                double audio = Visitor.total(after.get(i), "audios", "packets") - Visitor.total(before.get(i), "audios", "packets");
                List<Integer> widths = Visitor.widths(after.get(i));
                List<Double> streamFps = framesPerSecondByStream(before.get(i), after.get(i), seconds);
                System.out.printf("[impaired] simulcast, %s%s: %.1f frames/s per stream, freezes %.1f s of 3 × %.0f s, "
                                + "widths %s, frames/s by stream %s, %.0f audio packets, %.0f video packets lost, %.0f kbit/s of video%n",
                        v.name, capped ? " (" + downlinkKbits + " kbit/s downlink)" : "", fps, freezes, seconds, widths,
                        streamFps, audio,
                        Visitor.total(after.get(i), "videos", "lost") - Visitor.total(before.get(i), "videos", "lost"),
                        (Visitor.total(after.get(i), "videos", "bytes") - Visitor.total(before.get(i), "videos", "bytes")) * 8 / 1000 / seconds);
                assertTrue(streamFps.size() == 3 && streamFps.stream().allMatch(f -> f >= MIN_FRAMES_PER_SECOND),
                        v.name + " has a picture that stands still or is paused: " + streamFps + " frames/s");
                assertTrue(freezes <= MAX_FREEZE_SHARE * 3 * seconds, v.name + " froze " + freezes + " s of 3 × " + seconds);
                assertTrue(audio >= 3 * 40 * seconds, v.name + " received " + audio + " audio packets");
                if (capped) {
                    int top = topWidth;
                    assertTrue(widths.stream().anyMatch(w -> w < top), v.name + " got no lower layer than " + top + " px: " + widths);
                } else {
                    int top = topWidth;
                    assertTrue(widths.size() == 3 && widths.stream().allMatch(w -> w >= top),
                            v.name + " does not get the top layer (" + top + " px) of everyone: " + widths);
                }
            }
            assertTrue(counters.get("simulcast.layer.down") > 0, "no layer was lowered: " + counters);
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    /**
     * Measures what the three others' layers and audio take on the guardian's line and narrows it to hold the lower
     * layers, not the top ones; returns the new rate in kbit/s.
     */
    private static int narrowTheGuardiansLine(List<Visitor> visitors) throws Exception {
        Thread.sleep(RAMP.toMillis());
        List<Visitor> others = visitors.subList(0, visitors.size() - 1);
        Visitor guardian = visitors.get(visitors.size() - 1);
        List<Map<String, Object>> sentBefore = others.stream().map(Visitor::sent).toList();
        Map<String, Object> receivedBefore = guardian.received();
        Thread.sleep(MEASURE.toMillis());
        List<Map<String, Object>> sentAfter = others.stream().map(Visitor::sent).toList();
        Map<String, Object> receivedAfter = guardian.received();
        double audio = wireKbits(receivedBefore, receivedAfter, "audios");
        double lower = audio, top = audio;
        for (int i = 0; i < others.size(); i++) {
            Map<String, Double> layers = layerKbits(sentBefore.get(i), sentAfter.get(i));
            lower += layers.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            top += layers.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            System.out.printf("[impaired] simulcast: %s sends %s kbit/s on the wire%n", others.get(i).name, layers);
        }
        int cap = (int) Math.max(LOWER_LAYERS_HEADROOM * lower, (lower + top) / 2);
        System.out.printf("[impaired] simulcast: the guardian takes %.0f kbit/s at the others' lower layers, %.0f at their "
                + "top layers (audio %.0f); its line narrows to %d kbit/s%n", lower, top, audio, cap);
        assertTrue(top >= TOP_LAYERS_EXCESS * cap, "the cameras' layers are too close to test a choice between them: lower "
                + Math.round(lower) + ", top " + Math.round(top) + " kbit/s");
        link.cap(cap);
        return cap;
    }

    /** Kilobits per second each layer took on the wire between two readings of {@link Visitor#sent()}, by rid. */
    private static Map<String, Double> layerKbits(Map<String, Object> before, Map<String, Object> after) {
        Map<String, double[]> start = new java.util.HashMap<>();
        for (Object layer : (List<?>) before.get("layers")) {
            Map<?, ?> m = (Map<?, ?>) layer;
            start.put(String.valueOf(m.get("rid")), new double[] {number(m, "bytes"), number(m, "packets")});
        }
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Object layer : (List<?>) after.get("layers")) {
            Map<?, ?> m = (Map<?, ?>) layer;
            double[] s = start.getOrDefault(String.valueOf(m.get("rid")), new double[2]);
            out.put(String.valueOf(m.get("rid")),
                    (double) Math.round(wire(number(m, "bytes") - s[0], number(m, "packets") - s[1])));
        }
        return out;
    }

    /** Kilobits per second the streams of one kind ({@code "audios"}) took on the wire between two readings. */
    private static double wireKbits(Map<String, Object> before, Map<String, Object> after, String kind) {
        return wire(Visitor.total(after, kind, "bytes") - Visitor.total(before, kind, "bytes"),
                Visitor.total(after, kind, "packets") - Visitor.total(before, kind, "packets"));
    }

    private static double wire(double payloadBytes, double packets) {
        return (payloadBytes + packets * OVERHEAD_BYTES) * 8 / MEASURE.toMillis();
    }

    private static double number(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
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

    private static Map<String, Long> simulcastCounters(Map<String, Long> counters) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith("simulcast.") || k.equals("rtp.dropped.paused") || k.equals("rtp.ssrc.bound_by_rid")) out.put(k, v);
        });
        return out;
    }
}
