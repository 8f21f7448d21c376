package se.vardmote.server.browser;

import com.microsoft.playwright.Browser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layers chosen by tile size. A group visit of three in Chromium, every camera sending simulcast (640×360 and 320×180). The patient's window is
 * small, so its tiles are about 256 px wide: the server sends it the 320 px layers, which fill them, although its
 * line would carry the top ones; the two in large windows get everyone's 640 px layer. When the patient's window
 * grows, its tiles grow and it gets the top layers too. And the same for a Firefox publisher, whose simulcast differs
 * from Chromium's (its own SSRCs and RTX per layer, its own keyframe cadence).
 */
class ViewSizedLayersVisitTest extends BrowserVisitFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    /**
     * A small upright window: its tiles are about 256×192 CSS px (a tile's height is what leaves the buttons in
     * view). Not a short landscape one: a phone on its side shows the other person as tall as it can.
     */
    private static final int SMALL_WIDTH = 380;
    private static final int SMALL_HEIGHT = 480;

    @Test
    void aSmallWindowGetsTheLayerThatFillsItsTilesAndTheTopOneWhenItGrows() throws Exception {
        List<String> links = book("group", "clinician", "patient", "clinician");
        List<Visitor> visitors = new ArrayList<>();
        try {
            visitors.add(new Visitor(chromium.browser, "clinician", links.get(0), Visitor.GROUP_FRAMES));
            visitors.add(new Visitor(chromium.browser, "specialist", links.get(2), Visitor.GROUP_FRAMES));
            Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.GROUP_FRAMES, page -> { },
                    new Browser.NewContextOptions().setViewportSize(SMALL_WIDTH, SMALL_HEIGHT));
            visitors.add(patient);
            for (Visitor v : visitors) {
                v.awaitReceived("two others' video", TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) >= 2);
            }
            patient.awaitReceived("the 320 px layers its small tiles show", TIMEOUT,
                    s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w <= 320));
            System.out.printf("[view size] the patient's tiles are %s CSS px; it receives widths %s%n",
                    patient.page.evaluate("() => [...document.querySelectorAll('.tile:not(.own) video')]"
                            + ".map(v => v.clientWidth + 'x' + v.clientHeight).join(', ')"),
                    Visitor.widths(patient.received()));
            for (Visitor v : visitors.subList(0, 2)) {
                v.awaitReceived("everyone's 640 px layer in a large window", TIMEOUT,
                        s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w >= 640));
            }

            patient.page.setViewportSize(1280, 720);
            patient.awaitReceived("the 640 px layers once its window is large", TIMEOUT,
                    s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w >= 640));
            System.out.printf("[view size] grown to %s CSS px; it receives widths %s%n",
                    patient.page.evaluate("() => [...document.querySelectorAll('.tile:not(.own) video')]"
                            + ".map(v => v.clientWidth + 'x' + v.clientHeight).join(', ')"),
                    Visitor.widths(patient.received()));
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    @Test
    void aFirefoxPublishersLayersAreChosenByTileSizeToo() throws Exception {
        FirefoxPeer.requireFirefox();
        List<String> links = book("group", "clinician", "patient", "clinician");
        try (FirefoxPeer patient = FirefoxPeer.join("patient", links.get(1), Duration.ofSeconds(120),
                     "{\"audio\":true,\"video\":{\"width\":640,\"height\":360,\"frameRate\":15}}");
             Visitor small = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.GROUP_FRAMES, page -> { },
                     new Browser.NewContextOptions().setViewportSize(SMALL_WIDTH, SMALL_HEIGHT));
             Visitor large = new Visitor(chromium.browser, "specialist", links.get(2), Visitor.GROUP_FRAMES)) {
            patient.awaitReceived("two videos", TIMEOUT, s -> s.get("videos").asInt() == 2 && s.get("minFrames").asInt() >= 10);
            System.out.printf("[view size] Firefox sends %s%n", patient.latest().get("sent"));
            small.awaitReceived("the lower layers of Firefox's and Chromium's pictures in its small tiles", TIMEOUT,
                    s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w <= 320));
            large.awaitReceived("the 640 px layers of both in a large window", TIMEOUT,
                    s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w >= 640));
            small.page.setViewportSize(1280, 720);
            small.awaitReceived("the 640 px layers once its window is large", TIMEOUT,
                    s -> Visitor.widths(s).size() == 2 && Visitor.widths(s).stream().allMatch(w -> w >= 640));
            System.out.printf("[view size] with Firefox: small window %s, grown %s%n", "≤ 320 px", Visitor.widths(small.received()));
        }
    }
}
