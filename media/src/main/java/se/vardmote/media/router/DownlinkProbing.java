package se.vardmote.media.router;

import java.util.ArrayList;
import se.vardmote.media.bwe.DownlinkEstimator;
import se.vardmote.media.bwe.ProbeController;

/**
 * Finds room on a subscriber's downlink that the video sent to it does not show: when its
 * {@link DownlinkEstimator} asks for a probe cluster, the cluster's bytes go out as padding-only packets on
 * the RTX stream of one of its video subscriptions (media sent meanwhile counts towards the cluster first).
 * The pacer spreads the cluster at its rate, and the feedback on them tells the estimator what got
 * through. A subscriber that receives no video with RTX is not probed: it needs little.
 *
 * <p>Owned by the router's event loop.
 */
final class DownlinkProbing {

    /** Where a subscriber's estimate starts, before any feedback: one good 640 px layer and audio. */
    static final long START_ESTIMATE = 1_000_000;
    static final long MIN_ESTIMATE = 50_000;
    /** Above any layer a browser sends here, with room for a group of them. */
    static final long MAX_ESTIMATE = 20_000_000;

    private DownlinkProbing() {
    }

    /** Sends the cluster the estimator asks for now, if any; returns the padding packets sent. */
    static int probe(Router router, RouterTransport state, long now) {
        Subscription carrier = carrier(state.subscriptions);
        if (carrier == null) {
            return 0;
        }
        DownlinkEstimator estimator = state.estimator;
        int cluster = estimator.nextProbeCluster(now);
        if (cluster < 0) {
            return 0;
        }
        ProbeController probes = estimator.probes();
        int bytes = probes.clusterBytes();
        int packets = Math.max(probes.clusterPackets(), (bytes + Subscription.MAX_PADDING - 1) / Subscription.MAX_PADDING);
        state.transport.probe(cluster, bytes, probes.clusterPackets(), probes.clusterBitsPerSecond());
        int sent = 0;
        for (int i = 0; i < packets; i++) {
            int size = Math.max(1, Math.min(Subscription.MAX_PADDING, bytes / packets));
            if (!carrier.sendPadding(size, now)) break;
            sent++;
        }
        router.count(RouterCounter.PROBES_SENT);
        router.count(RouterCounter.PROBE_PADDING_SENT, sent);
        return sent;
    }

    /** A live video subscription with RTX and transport-wide numbering: padding on its RTX stream disturbs nothing. */
    private static Subscription carrier(ArrayList<Subscription> subscriptions) {
        for (int i = 0; i < subscriptions.size(); i++) {
            Subscription s = subscriptions.get(i);
            if (s.stream.video && s.rtxPayloadType >= 0 && s.transportCcId != 0 && s.offsetsValid && !s.closed) {
                return s;
            }
        }
        return null;
    }
}
