package se.vardmote.server.browser;

import java.util.Arrays;
import java.util.Map;
import se.vardmote.server.VardmoteServer;

/**
 * What the server's media plane did that bears on what the browsers see — caps sent, losses reported,
 * repairs refused, pictures paused, its estimate of each subscriber's downlink — as one line for a test's
 * output and failure messages: a browser test that fails in CI must say which side held the picture back.
 */
final class ServerMediaView {
    private ServerMediaView() {
    }

    static String of(VardmoteServer server) {
        Map<String, Long> c = server.media().routerCounters();
        return String.format(" server: %d REMB sent, %d NACKs received (%d for packets it never had, %d over the repair"
                        + " budget), %d sent; %d layer steps down, %d pictures paused; downlink estimates %s kbit/s",
                c.getOrDefault("rtcp.remb.sent", 0L), c.getOrDefault("rtcp.nack.received", 0L),
                c.getOrDefault("rtcp.nack.not_in_cache", 0L), c.getOrDefault("rtcp.nack.over_budget", 0L),
                c.getOrDefault("rtcp.nack.sent", 0L), c.getOrDefault("simulcast.layer.down", 0L),
                c.getOrDefault("simulcast.video.paused", 0L),
                Arrays.toString(Arrays.stream(server.media().subscriberEstimates()).map(e -> e / 1000).toArray()));
    }
}
