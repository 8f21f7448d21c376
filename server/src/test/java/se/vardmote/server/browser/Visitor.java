package se.vardmote.server.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One participant's browser window: its own context (own fake camera), the join page, and its stats. */
final class Visitor implements AutoCloseable {
    /** Reads what the page receives, from the subscribe connection's getStats(). */
    private static final String RECEIVED = """
            async () => {
              const v = window.vardmote || {};
              const out = { videos: [], audios: [], tiles: document.querySelectorAll('video[data-participant-id]').length,
                            lastError: v.lastError ? (v.lastError.code || String(v.lastError)) : null,
                            dtlsState: null, srtpCipher: null, tlsVersion: null };
              if (!v.subscribePc) return out;
              const stats = await v.subscribePc.getStats();
              stats.forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') {
                  out.videos.push({ id: String(s.trackIdentifier || s.mid || s.ssrc), frames: s.framesDecoded || 0, packets: s.packetsReceived || 0,
                                   freezes: s.totalFreezesDuration || 0, plis: s.pliCount || 0, nacks: s.nackCount || 0,
                                   lost: s.packetsLost || 0, bytes: s.bytesReceived || 0,
                                   keyframes: s.keyFramesDecoded || 0, width: s.frameWidth || 0 });
                } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                  out.audios.push({ id: String(s.trackIdentifier || s.mid || s.ssrc), packets: s.packetsReceived || 0, energy: s.totalAudioEnergy || 0,
                                   bytes: s.bytesReceived || 0 });
                } else if (s.type === 'transport') {
                  out.dtlsState = s.dtlsState || null; out.srtpCipher = s.srtpCipher || null; out.tlsVersion = s.tlsVersion || null;
                }
              });
              return out;
            }
            """;

    final String name;
    private final BrowserContext context;
    final Page page;

    /** Smaller fake camera frames keep four encoders and twelve decoders within two cores. */
    static final String SMALL_FRAMES = "{ audio: true, video: { width: 320, height: 240, frameRate: 15 } }";
    /** What people get: the browser's default camera size (640×480 from Chromium's fake camera). */
    static final String DEFAULT_FRAMES = "{ audio: true, video: true }";
    /** 640×360 at 15 frames/s: two simulcast layers in a group visit, at a cost four browsers on two cores can bear. */
    static final String GROUP_FRAMES = "{ audio: true, video: { width: 640, height: 360, frameRate: 15 } }";

    Visitor(Browser browser, String name, String joinUrl) {
        this(browser, name, joinUrl, SMALL_FRAMES);
    }

    /** A visitor whose camera is asked for {@code constraints} (a getUserMedia constraints literal). */
    Visitor(Browser browser, String name, String joinUrl, String constraints) {
        this(browser, name, joinUrl, constraints, page -> { });
    }

    /** A visitor whose page is first handed to {@code beforeJoin} (to watch or route its WebSocket, say). */
    Visitor(Browser browser, String name, String joinUrl, String constraints, java.util.function.Consumer<Page> beforeJoin) {
        this(browser, name, joinUrl, constraints, beforeJoin, new Browser.NewContextOptions());
    }

    /** A phone in portrait (390×844 CSS pixels, touch), as a patient's usually is. */
    static Browser.NewContextOptions phone() {
        return new Browser.NewContextOptions().setViewportSize(390, 844).setDeviceScaleFactor(3).setIsMobile(true).setHasTouch(true);
    }

    Visitor(Browser browser, String name, String joinUrl, String constraints, java.util.function.Consumer<Page> beforeJoin,
            Browser.NewContextOptions device) {
        this.name = name;
        this.context = browser.newContext(device.setPermissions(List.of("camera", "microphone")));
        this.page = context.newPage();
        // A visitor goes straight into the visit, as before the pre-call check existed; PrecallCheck drives the check.
        page.addInitScript("window.vardmoteMediaConstraints = " + constraints + "; window.vardmoteSkipCheck = true;");
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) System.out.println("[" + name + " console] " + m.text());
        });
        beforeJoin.accept(page);
        page.navigate(joinUrl);
    }

    /** {@code window.vardmote.state}: connecting, waiting, joined, left, ended, denied, removed, error, closed. */
    String state() {
        return (String) page.evaluate("() => window.vardmote ? window.vardmote.state : null");
    }

    /** Polls until the page's state is {@code expected}; fails with the last state and error after {@code timeout}. */
    void awaitState(String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = state();
            if (expected.equals(last)) return;
            page.waitForTimeout(100);
        }
        throw new AssertionError(name + ": state " + expected + " not reached within " + timeout.toSeconds() + " s; it is "
                + last + ", last error " + page.evaluate("() => JSON.stringify(window.vardmote && window.vardmote.lastError)"));
    }

    /** The publish connection's send-side estimate and what its video encoder sends. */
    private static final String SENT = """
            async () => {
              const v = window.vardmote || {};
              const out = { availableOutgoingBitrate: 0, videoBytesSent: 0, retransmittedBytesSent: 0,
                            targetBitrate: 0, frameWidth: 0, framesPerSecond: 0, qualityLimitationReason: null,
                            layers: [] };
              if (!v.publishPc) return out;
              const stats = await v.publishPc.getStats();
              stats.forEach(s => {
                if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) {
                  out.availableOutgoingBitrate = s.availableOutgoingBitrate;
                } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
                  out.videoBytesSent += s.bytesSent || 0;
                  out.retransmittedBytesSent += s.retransmittedBytesSent || 0;
                  out.targetBitrate += s.targetBitrate || 0;
                  out.frameWidth = s.frameWidth || 0;
                  out.framesPerSecond = s.framesPerSecond || 0;
                  out.qualityLimitationReason = s.qualityLimitationReason || null;
                  out.layers.push({ rid: s.rid || null, width: s.frameWidth || 0, bytes: s.bytesSent || 0, packets: s.packetsSent || 0 });
                }
              });
              return out;
            }
            """;

    /**
     * The local candidate of each of the page's peer connections' selected pair, as
     * {@code "<candidateType>/<protocol>"} by {@code publish} and {@code subscribe} (e.g. {@code relay/udp}).
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> selectedLocalCandidates() {
        return (Map<String, Object>) page.evaluate(SELECTED_LOCAL_CANDIDATES);
    }

    private static final String SELECTED_LOCAL_CANDIDATES = """
            async () => {
              const out = {};
              for (const [name, pc] of [['publish', window.vardmote.publishPc], ['subscribe', window.vardmote.subscribePc]]) {
                if (!pc) continue;
                const stats = await pc.getStats();
                let pairId = null;
                stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
                const pair = pairId && stats.get(pairId);
                const local = pair && stats.get(pair.localCandidateId);
                out[name] = local ? local.candidateType + '/' + local.protocol : null;
              }
              return out;
            }
            """;

    /** The publish connection's {@code availableOutgoingBitrate} (bit/s) and video bytes sent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> sent() {
        return (Map<String, Object>) page.evaluate(SENT);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> received() {
        return (Map<String, Object>) page.evaluate(RECEIVED);
    }

    /** Polls the page's stats until {@code condition} holds; fails with the last stats after {@code timeout}. */
    Map<String, Object> awaitReceived(String what, Duration timeout, Predicate<Map<String, Object>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = received();
            if (condition.test(last)) return last;
            page.waitForTimeout(250);
        }
        throw new AssertionError(name + ": " + what + " did not happen within " + timeout.toSeconds() + " s; last stats: " + last);
    }

    /** Waits until each of {@code visitors} has decoded 30 frames of the other's video and 100 audio packets. */
    static void awaitEachOthersMedia(List<Visitor> visitors, String how, Duration timeout) {
        for (Visitor v : visitors) {
            v.awaitReceived("the other's video and audio " + how, timeout,
                    s -> flowing(s, "videos", "frames", 30) == 1 && flowing(s, "audios", "packets", 100) == 1);
        }
    }

    /** Streams of a kind whose count (frames or packets) has reached {@code atLeast}. */
    @SuppressWarnings("unchecked")
    static long flowing(Map<String, Object> stats, String list, String counter, double atLeast) {
        return ((List<Map<String, Object>>) stats.get(list)).stream()
                .filter(s -> ((Number) s.get(counter)).doubleValue() >= atLeast)
                .count();
    }

    @SuppressWarnings("unchecked")
    static double total(Map<String, Object> stats, String list, String counter) {
        return ((List<Map<String, Object>>) stats.get(list)).stream()
                .mapToDouble(s -> ((Number) s.get(counter)).doubleValue()).sum();
    }

    /** The frame widths of the videos received that decode (those with frames), from {@link #received()}. */
    static List<Integer> widths(Map<String, Object> stats) {
        List<Integer> out = new java.util.ArrayList<>();
        for (Object video : (List<?>) stats.get("videos")) {
            Map<?, ?> m = (Map<?, ?>) video;
            if (((Number) m.get("frames")).doubleValue() > 0) out.add(((Number) m.get("width")).intValue());
        }
        return out;
    }

    static int tiles(Map<String, Object> stats) {
        return ((Number) stats.get("tiles")).intValue();
    }

    @Override
    public void close() {
        context.close();
    }
}
