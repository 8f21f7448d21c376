package se.vardmote.server.browser;

import com.microsoft.playwright.Browser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A group visit of three in Chromium, every camera sending simulcast (640×360 and 320×180). The patient's window is
 * small, so its tiles are about 150 px wide: the server sends it the 320 px layers, which fill them, although its
 * line would carry the top ones; the two in large windows get everyone's 640 px layer. When the patient's window
 * grows, its tiles grow and it gets the top layers too.
 */
class ViewSizedLayersVisitTest extends BrowserVisitFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    @Test
    void aSmallWindowGetsTheLayerThatFillsItsTilesAndTheTopOneWhenItGrows() throws Exception {
        List<String> links = book("group", "clinician", "patient", "clinician");
        List<Visitor> visitors = new ArrayList<>();
        try {
            visitors.add(new Visitor(chromium.browser, "clinician", links.get(0), Visitor.GROUP_FRAMES));
            visitors.add(new Visitor(chromium.browser, "specialist", links.get(2), Visitor.GROUP_FRAMES));
            Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.GROUP_FRAMES, page -> { },
                    new Browser.NewContextOptions().setViewportSize(640, 400));
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
}
