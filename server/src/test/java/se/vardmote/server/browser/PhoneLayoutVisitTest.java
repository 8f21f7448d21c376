package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a patient on a phone and a clinician at a desk see once the visit runs: the other person large and near
 * the top, the self-view small in a corner, every button a 44 px touch target, and the clinician's controls
 * beside the patient's picture, never over the face. Screenshots go to {@code target/screenshots/}.
 */
@Tag("browser")
class PhoneLayoutVisitTest extends BrowserVisitFixture {
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(45);

    private static BoundingBox box(Page page, String selector) {
        ElementHandle e = page.waitForSelector(selector);
        BoundingBox b = e.boundingBox();
        assertTrue(b != null && b.width > 0 && b.height > 0, selector + " is shown");
        return b;
    }

    private static boolean overlap(BoundingBox a, BoundingBox b) {
        return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    }

    @Test
    void onAPhoneTheClinicianIsLargeAndTheSelfViewSmallAndNoControlLiesOverAFace() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0), Visitor.SMALL_FRAMES, p -> { },
                     new Browser.NewContextOptions().setViewportSize(1280, 800).setLocale("sv-SE"));
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES, p -> { },
                     Visitor.phone().setLocale("sv-SE"))) {
            for (Visitor v : List.of(clinician, patient)) {
                v.awaitReceived("the other's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            }
            BoundingBox remote = box(patient.page, "video[data-participant-id]");
            BoundingBox own = box(patient.page, "#own-video");
            System.out.printf("[layout] phone 390x844: the clinician %.0fx%.0f at y=%.0f, the self-view %.0fx%.0f at y=%.0f%n",
                    remote.width, remote.height, remote.y, own.width, own.height, own.y);
            assertTrue(remote.width * remote.height >= 4 * own.width * own.height,
                    "the person you talk to is far larger than yourself: " + remote.width + " vs " + own.width);
            assertTrue(remote.y < own.y, "the clinician is above the self-view, near the camera");
            assertTrue(remote.y < 844 / 3.0, "and near the top of the screen: y=" + remote.y);
            for (ElementHandle button : patient.page.querySelectorAll("nav.controls button:not([hidden])")) {
                BoundingBox b = button.boundingBox();
                if (b != null) assertTrue(b.height >= 44 && b.width >= 44, "touch target " + b.width + "x" + b.height);
            }

            BoundingBox face = box(clinician.page, "video[data-participant-id]");
            List<ElementHandle> actions = clinician.page.querySelectorAll(".tile-actions button");
            assertTrue(actions.size() >= 4, "the clinician's controls are there: " + actions.size());
            for (ElementHandle action : actions) {
                BoundingBox b = action.boundingBox();
                assertTrue(b != null && !overlap(b, face), "'" + action.textContent() + "' lies over the patient's face");
            }
            Path shots = Path.of("target", "screenshots");
            java.nio.file.Files.createDirectories(shots);
            patient.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("visit-phone-patient.png")));
            clinician.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("visit-desktop-clinician.png")));
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }

    /** Phones and tablets, portrait and landscape, from the smallest phone the issue names to a tablet. */
    private static final int[][] SIZES = {{360, 640}, {640, 360}, {844, 390}, {768, 1024}, {1024, 768}};

    @Test
    void fromASmallPhoneToATabletInBothOrientationsTheOtherPersonIsLargeAndEveryControlInView() throws Exception {
        List<String> links = book("two-party", "clinician", "patient");
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", links.get(0));
             Visitor patient = new Visitor(chromium.browser, "patient", links.get(1), Visitor.SMALL_FRAMES, p -> { },
                     Visitor.phone().setViewportSize(SIZES[0][0], SIZES[0][1]))) {
            patient.awaitReceived("the clinician's video", MEDIA_TIMEOUT, s -> Visitor.flowing(s, "videos", "frames", 10) == 1);
            for (int[] size : SIZES) {
                int width = size[0];
                int height = size[1];
                patient.page.setViewportSize(width, height);
                patient.page.waitForTimeout(300);
                BoundingBox remote = box(patient.page, "video[data-participant-id]");
                BoundingBox own = box(patient.page, "#own-video");
                System.out.printf("[layout] %dx%d: the clinician %.0fx%.0f at (%.0f, %.0f), the self-view %.0fx%.0f%n",
                        width, height, remote.width, remote.height, remote.x, remote.y, own.width, own.height);
                String at = width + "x" + height + ": ";
                assertTrue(remote.width * remote.height >= 4 * own.width * own.height, at + "the other person is far larger");
                assertTrue(remote.height >= 0.45 * Math.min(height, width * 3 / 4.0),
                        at + "the other person takes the screen, not a thumbnail: " + remote.width + "x" + remote.height);
                assertTrue(remote.y >= 0 && remote.y + remote.height <= height, at + "the other person is in view");
                int overflow = ((Number) patient.page.evaluate(
                        "() => document.documentElement.scrollWidth - window.innerWidth")).intValue();
                assertTrue(overflow <= 0, at + "nothing runs off the side: " + overflow + " px");
                for (ElementHandle button : patient.page.querySelectorAll("nav.controls button")) {
                    BoundingBox b = button.boundingBox();
                    if (b == null || !button.isVisible()) continue;
                    assertTrue(b.height >= 44 && b.width >= 44, at + "touch target " + b.width + "x" + b.height);
                    assertTrue(b.y >= 0 && b.y + b.height <= height && b.x >= 0 && b.x + b.width <= width,
                            at + "'" + button.textContent() + "' is in view without scrolling");
                    assertTrue(!overlap(b, remote), at + "'" + button.textContent() + "' lies over the other person");
                }
            }
        }
        awaitServer("the room to close", () -> server.signalling().roomCount() == 0);
    }
}
