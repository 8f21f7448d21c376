/**
 * A send-side estimate of each subscriber's downlink, from the transport-cc feedback its browser sends
 * (Google Congestion Control, draft-ietf-rmcat-gcc-02, as libwebrtc's goog_cc runs it). Not yet wired in.
 *
 * <p>How a transport uses it, all on its event loop:
 * <ol>
 *   <li>one {@link se.vardmote.media.bwe.DownlinkEstimator} per subscriber transport, e.g.
 *       {@code new DownlinkEstimator(1_000_000, 50_000, 20_000_000)};</li>
 *   <li>every packet sent with a transport-wide sequence number (media, retransmission, padding):
 *       {@code estimator.history().onSent(seq, nowNanos, bytesOnTheWire, cluster)} with {@code cluster} -1, or
 *       the probe cluster's id for every packet sent as part of a probe;</li>
 *   <li>every RTPFB FMT 15 from the subscriber: {@code TransportCcFeedback.parse(feedback, parsed)}, then
 *       {@code estimator.onFeedback(parsed, nowNanos)};</li>
 *   <li>on the pacer's tick: {@code estimator.probes().setDemandBitsPerSecond(wanted)} (what it would forward
 *       with no limit) and {@code int c = estimator.nextProbeCluster(nowNanos)}; when {@code c >= 0}, send
 *       {@code probes().clusterBytes()} bytes in at least {@code probes().clusterPackets()} packets at
 *       {@code probes().clusterBitsPerSecond()}: media first, padding for the rest, each marked {@code c};</li>
 *   <li>read {@code estimateBitsPerSecond()} where the REMB value is read today; {@code ackedBitsPerSecond()},
 *       {@code lossFraction()}, {@code usage()}, {@code rttNanos()} and the counters are for metrics.</li>
 * </ol>
 */
package se.vardmote.media.bwe;
