package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
            Thread.sleep(5_000); // let the controllers meet the loss before measuring
            long windowMillis = 20_000;
            Map<String, Object>[] before = snapshot(visitors);
            Thread.sleep(windowMillis);
            Map<String, Object>[] after = snapshot(visitors);
            double seconds = windowMillis / 1000.0;
            for (int i = 0; i < visitors.size(); i++) {
                String name = visitors.get(i).name;
                double fps = (Visitor.total(after[i], "videos", "frames") - Visitor.total(before[i], "videos", "frames")) / seconds;
                double freezes = Visitor.total(after[i], "videos", "freezes") - Visitor.total(before[i], "videos", "freezes");
                double audio = Visitor.total(after[i], "audios", "packets") - Visitor.total(before[i], "audios", "packets");
                double plis = Visitor.total(after[i], "videos", "plis") - Visitor.total(before[i], "videos", "plis");
                double nacks = Visitor.total(after[i], "videos", "nacks") - Visitor.total(before[i], "videos", "nacks");
                System.out.printf("[impaired] 5%% loss, two-party: %s decodes %.1f frames/s, freezes %.1f s of %.0f s, "
                                + "%.0f audio packets, %.0f PLIs, %.0f NACKs; %d datagrams dropped so far%n",
                        name, fps, freezes, seconds, audio, plis, nacks, loss.dropped());
                assertTrue(fps >= MIN_FRAMES_PER_SECOND_UNDER_LOSS, name + " decoded " + fps + " frames/s under 5 % loss");
                assertTrue(freezes <= MAX_FREEZE_SHARE_UNDER_LOSS * seconds, name + " froze " + freezes + " s of " + seconds);
                assertTrue(audio >= 40 * seconds, name + " received " + audio + " audio packets in " + seconds + " s");
            }
            assertTrue(loss.dropped() > 0, "the loss rule dropped nothing: the test measured a clean link");
        } finally {
            visitors.forEach(Visitor::close);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] snapshot(List<Visitor> visitors) {
        Map<String, Object>[] out = new Map[visitors.size()];
        for (int i = 0; i < out.length; i++) out[i] = visitors.get(i).received();
        return out;
    }
}
