package se.vardmote.signalling.echo;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.SubscriberParameters;
import se.vardmote.media.router.Subscription;
import se.vardmote.media.transport.WebRtcTransport;
import se.vardmote.signalling.sdp.AcceptedStream;
import se.vardmote.signalling.sdp.LocalTransport;
import se.vardmote.signalling.sdp.OfferedTrack;
import se.vardmote.signalling.sdp.PublishAnswer;
import se.vardmote.signalling.sdp.PublishAnswerer;
import se.vardmote.signalling.sdp.RemoteTransport;
import se.vardmote.signalling.sdp.SdpException;
import se.vardmote.signalling.sdp.SubscribeOfferer;

/**
 * One echo test: a router of its own on a media worker, the client's publish connection answered and each of
 * its streams sent straight back to it on its subscribe connection, live, as a visit's router forwards a
 * stream to another participant. Nothing is stored: the router holds only its retransmission buffers, and
 * they go when the session ends. No meeting, no participant, no personal data.
 *
 * <p>Made by {@link EchoSessions}; driven by one connection (its messages one at a time) and ended by that
 * connection or by the sessions' timer, so its methods are synchronized. Router calls only enqueue work on
 * the router's loop.
 */
public final class EchoSession {
    /** The msid stream id of the echoed tracks: they are the client's own. */
    static final String STREAM_ID = "echo";
    private static final long SUBSCRIBE_VERSION = 1;

    private final Router router;
    private final Runnable onEnd;
    private final String answerSdp;
    private final String subscribeOfferSdp;
    private final List<OfferedTrack> tracks;
    private final WebRtcTransport subscribeTransport;
    private final List<Subscription> subscriptions;
    private boolean subscribeAnswered;
    private boolean ended;

    private EchoSession(Router router, Runnable onEnd, String answerSdp, String subscribeOfferSdp, List<OfferedTrack> tracks,
                        WebRtcTransport subscribeTransport, List<Subscription> subscriptions) {
        this.router = router;
        this.onEnd = onEnd;
        this.answerSdp = answerSdp;
        this.subscribeOfferSdp = subscribeOfferSdp;
        this.tracks = List.copyOf(tracks);
        this.subscribeTransport = subscribeTransport;
        this.subscriptions = List.copyOf(subscriptions);
    }

    /**
     * Answers {@code offerSdp} on a publish transport of {@code router}, publishes what it accepted and
     * subscribes a second transport to each of those streams. On a refused offer the router is closed.
     *
     * @param onEnd run once when the session ends (the registry frees its place)
     */
    static EchoSession open(Router router, String offerSdp, Runnable onEnd) throws SdpException {
        try {
            WebRtcTransport publish = router.createTransport();
            PublishAnswer answer = PublishAnswerer.answer(offerSdp, local(publish));
            RemoteTransport remote = answer.remote();
            publish.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());
            WebRtcTransport subscribe = router.createTransport();
            List<OfferedTrack> tracks = new ArrayList<>();
            List<Subscription> subscriptions = new ArrayList<>();
            for (AcceptedStream stream : answer.streams()) {
                PublishedStream handle = router.publish(publish, stream.toStreamDescription());
                long ssrc = newSsrc(tracks, 0);
                long rtxSsrc = stream.kind() == MediaKind.VIDEO ? newSsrc(tracks, ssrc) : 0;
                String codec = stream.codec().name();
                String trackId = stream.msidTrack() != null && !stream.msidTrack().isEmpty()
                        ? stream.msidTrack() : stream.kind().sdpName() + "-" + STREAM_ID;
                tracks.add(new OfferedTrack(Integer.toString(tracks.size()), stream.kind(), STREAM_ID, trackId, ssrc, codec,
                        true, rtxSsrc));
                subscriptions.add(router.subscribe(subscribe, handle, new SubscriberParameters(ssrc,
                        SubscribeOfferer.payloadType(codec), SubscribeOfferer.extensionIds(stream.kind()),
                        rtxSsrc != 0 ? SubscribeOfferer.rtxPayloadType(codec) : -1, rtxSsrc)));
            }
            long sessionId = (new SecureRandom().nextLong() >>> 2) + 1;
            String offer = SubscribeOfferer.offer(sessionId, SUBSCRIBE_VERSION, local(subscribe), tracks);
            return new EchoSession(router, onEnd, answer.sdp(), offer, tracks, subscribe, subscriptions);
        } catch (SdpException | RuntimeException e) {
            router.close();
            throw e;
        }
    }

    /** The answer to the client's publish offer. */
    public String publishAnswer() {
        return answerSdp;
    }

    /** The offer of the subscribe connection that brings the client's own streams back. */
    public String subscribeOffer() {
        return subscribeOfferSdp;
    }

    public long subscribeVersion() {
        return SUBSCRIBE_VERSION;
    }

    /** The sections of {@link #subscribeOffer()}, in order. */
    public List<OfferedTrack> tracks() {
        return tracks;
    }

    /** Checks the client's answer to the subscribe offer; media flows back once its ICE and DTLS complete. */
    public synchronized void subscribeAnswer(String answerSdp, long version) throws SdpException {
        if (ended || subscribeAnswered || version != SUBSCRIBE_VERSION) {
            throw new SdpException("sdp_mismatch", "no subscribe offer of version " + version + " is waiting for an answer");
        }
        RemoteTransport remote = SubscribeOfferer.accept(answerSdp, tracks);
        Set<String> red = SubscribeOfferer.redAccepted(answerSdp, tracks);
        for (int i = 0; i < tracks.size(); i++) {
            if (red.contains(tracks.get(i).mid())) router.acceptRed(subscriptions.get(i), SubscribeOfferer.RED_PT);
        }
        subscribeTransport.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());
        subscribeAnswered = true;
    }

    /** Ends the session: the router and both transports close. Answers false if it had ended already. */
    public boolean end() {
        synchronized (this) {
            if (ended) return false;
            ended = true;
        }
        router.close();
        onEnd.run();
        return true;
    }

    public synchronized boolean isEnded() {
        return ended;
    }

    private static LocalTransport local(WebRtcTransport t) {
        return new LocalTransport(t.localUfrag(), t.localPassword(), t.localFingerprint(), t.localCandidates());
    }

    private static long newSsrc(List<OfferedTrack> tracks, long taken) {
        while (true) {
            long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
            boolean used = ssrc == taken;
            for (OfferedTrack t : tracks) used |= t.ssrc() == ssrc || t.rtxSsrc() == ssrc;
            if (!used) return ssrc;
        }
    }
}
