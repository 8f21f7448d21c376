package se.vardmote.signalling.room;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.SubscriberParameters;
import se.vardmote.media.router.Subscription;
import se.vardmote.signalling.sdp.AcceptedStream;
import se.vardmote.signalling.sdp.OfferedTrack;
import se.vardmote.signalling.sdp.PublishAnswer;
import se.vardmote.signalling.sdp.PublishAnswerer;
import se.vardmote.signalling.sdp.RemoteTransport;
import se.vardmote.signalling.sdp.SdpException;
import se.vardmote.signalling.sdp.SubscribeOfferer;

/**
 * The media negotiation of one room: each seated member's publish connection (its offer answered, its streams
 * published into the router) and subscribe connection (a section per stream of the others, offered again
 * whenever that set changes, one offer outstanding at a time). Who is seated is {@link Room}'s business; this
 * sees the seated members through a live view of the room's seats.
 *
 * <p>Called only by its {@link Room}, under the room's lock; not thread-safe on its own. Router calls only
 * enqueue work on the router's event loop, so nothing here blocks on the network.
 */
final class RoomMedia {
    private static final System.Logger LOG = System.getLogger(RoomMedia.class.getName());

    private final Router router;
    /** The room's seated members, a live view. */
    private final Collection<RoomMember> seated;

    RoomMedia(Router router, Collection<RoomMember> seated) {
        this.router = router;
        this.seated = seated;
    }

    /**
     * Answers the member's publish offer, starts receiving what it accepted and offers the new streams
     * to everyone else. A second offer replaces what the first published.
     *
     * @return the answer SDP
     */
    String publish(RoomMember member, String offerSdp) throws SdpException {
        if (member.publishTransport == null) member.publishTransport = router.createTransport();
        PublishAnswer answer = PublishAnswerer.answer(offerSdp, RoomMember.local(member.publishTransport));
        RemoteTransport remote = answer.remote();
        member.publishTransport.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());

        if (!member.published.isEmpty()) {
            for (RoomMember other : seated) if (other != member) deactivateFrom(other, member);
            for (RoomMember.Published p : member.published) router.unpublish(p.handle());
            member.published.clear();
        }
        for (AcceptedStream stream : answer.streams()) {
            member.published.add(new RoomMember.Published(stream, router.publish(member.publishTransport, stream.toStreamDescription())));
        }
        for (RoomMember other : seated) {
            if (other == member) continue;
            for (RoomMember.Published p : member.published) addReceiver(other, member, p);
            offerIfChanged(other);
        }
        return answer.sdp();
    }

    /** Checks the member's answer to its subscribe offer of {@code version}; then offers again if needed. */
    void subscribeAnswer(RoomMember member, String answerSdp, long version) throws SdpException {
        if (member.awaitedVersion == 0 || version != member.awaitedVersion) {
            throw new SdpException("sdp_mismatch", "no subscribe offer of version " + version + " is waiting for an answer");
        }
        RemoteTransport remote = SubscribeOfferer.accept(answerSdp, member.awaitedTracks);
        java.util.Set<String> red = SubscribeOfferer.redAccepted(answerSdp, member.awaitedTracks);
        for (RoomMember.Received r : member.received) {
            if (r.subscription != null && red.contains(r.track.mid())) {
                router.acceptRed(r.subscription, SubscribeOfferer.RED_PT);
            }
        }
        if (!member.subscribeRemoteSet) {
            member.subscribeTransport.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());
            member.subscribeRemoteSet = true;
        }
        member.awaitedVersion = 0;
        member.awaitedTracks = List.of();
        if (member.offerPending) sendOffer(member);
    }

    /** Tells the router how large {@code member} shows each video it receives (by its section's mid). */
    void viewSizes(RoomMember member, Map<String, int[]> sizes) {
        for (RoomMember.Received r : member.received) {
            int[] size = r.subscription == null ? null : sizes.get(r.track.mid());
            if (size != null && r.source.stream().kind() == MediaKind.VIDEO) {
                router.setViewSize(r.subscription, size[0], size[1]);
            }
        }
    }

    /** {@code receiver} starts receiving everything {@code publisher} publishes (offered at the next {@link #offerIfChanged}). */
    void receiveAllFrom(RoomMember receiver, RoomMember publisher) {
        for (RoomMember.Published p : publisher.published) addReceiver(receiver, publisher, p);
    }

    /**
     * A phone caller's voice enters the room as a stream the router produces itself (the mixer's
     * Opus encoding); everyone else receives it like a browser's audio.
     */
    void publishLocalAudio(RoomMember member) {
        PublishedStream handle = member.listener.localAudio().apply(router);
        if (handle == null) return;
        String id = member.participantId();
        AcceptedStream stream = new AcceptedStream("phone", MediaKind.AUDIO, handle.ssrc(), id, "audio-" + id,
                new RtpCodec("opus", 48000, 2, SubscribeOfferer.payloadType("opus")), Map.of());
        RoomMember.Published published = new RoomMember.Published(stream, handle);
        member.published.add(published);
        for (RoomMember other : seated) {
            if (other == member) continue;
            addReceiver(other, member, published);
            offerIfChanged(other);
        }
    }

    /** Frees a member's transports and streams (the seat has ended). */
    void release(RoomMember member) {
        if (member.publishTransport == null) {
            // Streams no transport carries (a phone caller's) end with the seat.
            for (RoomMember.Published p : member.published) router.unpublish(p.handle());
        }
        if (member.publishTransport != null) router.removeTransport(member.publishTransport);
        if (member.subscribeTransport != null) router.removeTransport(member.subscribeTransport);
        member.published.clear();
        member.received.clear();
    }

    /** Marks the sections of {@code receiver} that carried {@code publisher}'s streams inactive. */
    void deactivateFrom(RoomMember receiver, RoomMember publisher) {
        for (RoomMember.Received r : receiver.received) {
            if (r.track.active() && r.track.streamId().equals(publisher.participantId())) {
                if (r.subscription != null) router.unsubscribe(r.subscription);
                r.subscription = null;
                r.track = r.track.inactive();
                receiver.offerPending = true;
            }
        }
    }

    /** Sends {@code member} a new subscribe offer if its sections changed and no offer is outstanding. */
    void offerIfChanged(RoomMember member) {
        if (member.offerPending && member.awaitedVersion == 0 && member.subscribeTransport != null) sendOffer(member);
    }

    /** Closes the router; called when the last member left. */
    void close() {
        router.close();
    }

    /** Adds a section to {@code receiver}'s subscribe connection for one of {@code publisher}'s streams. */
    private void addReceiver(RoomMember receiver, RoomMember publisher, RoomMember.Published source) {
        // A phone caller hears the room through the mixer, not through a subscribe connection.
        if (receiver.via == JoinedVia.PHONE) return;
        if (receiver.subscribeTransport == null) receiver.subscribeTransport = router.createTransport();
        AcceptedStream s = source.stream();
        long ssrc = newSsrc(receiver, 0);
        // Video gets RTX on the subscribe leg, so the server's retransmissions do not disturb the media stream.
        long rtxSsrc = s.kind() == MediaKind.VIDEO ? newSsrc(receiver, ssrc) : 0;
        String codec = s.codec().name();
        String trackId = s.msidTrack() != null && !s.msidTrack().isEmpty()
                ? s.msidTrack() : s.kind().sdpName() + "-" + publisher.participantId();
        OfferedTrack track = new OfferedTrack(Integer.toString(receiver.received.size()), s.kind(),
                publisher.participantId(), trackId, ssrc, codec, true, rtxSsrc);
        Subscription sub = router.subscribe(receiver.subscribeTransport, source.handle(),
                new SubscriberParameters(ssrc, SubscribeOfferer.payloadType(codec), SubscribeOfferer.extensionIds(s.kind()),
                        rtxSsrc != 0 ? SubscribeOfferer.rtxPayloadType(codec) : -1, rtxSsrc));
        receiver.received.add(new RoomMember.Received(track, sub, source));
        receiver.offerPending = true;
    }

    private void sendOffer(RoomMember member) {
        List<OfferedTrack> tracks = member.offeredTracks();
        long version = ++member.subscribeVersion;
        String sdp = SubscribeOfferer.offer(member.subscribeSessionId, version, RoomMember.local(member.subscribeTransport), tracks);
        member.awaitedVersion = version;
        member.awaitedTracks = tracks;
        member.offerPending = false;
        LOG.log(System.Logger.Level.DEBUG, "subscribe offer v{0} with {1} sections", version, tracks.size());
        member.listener.subscribeOffer(sdp, version, tracks);
    }

    /** An SSRC no section of {@code receiver}'s subscribe connection uses, other than {@code taken}. */
    private static long newSsrc(RoomMember receiver, long taken) {
        while (true) {
            long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
            boolean used = ssrc == taken;
            for (RoomMember.Received r : receiver.received) used |= r.track.ssrc() == ssrc || r.track.rtxSsrc() == ssrc;
            if (!used) return ssrc;
        }
    }
}
