package se.vardmote.signalling.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.SubscriberParameters;
import se.vardmote.media.router.Subscription;
import se.vardmote.media.transport.WebRtcTransport;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.sdp.AcceptedStream;
import se.vardmote.signalling.sdp.OfferedTrack;
import se.vardmote.signalling.sdp.PublishAnswer;
import se.vardmote.signalling.sdp.PublishAnswerer;
import se.vardmote.signalling.sdp.RemoteTransport;
import se.vardmote.signalling.sdp.SdpException;
import se.vardmote.signalling.sdp.SubscribeOfferer;

/**
 * A live meeting: who is connected, what each publishes and receives, and the media router that
 * forwards between them. Every method takes the room's lock; media calls only enqueue work on the
 * router's event loop, so nothing here blocks on the network.
 */
public final class Room {
    private static final System.Logger LOG = System.getLogger(Room.class.getName());

    private final Meeting meeting;
    private final Router router;
    private final int capacity;
    private final Map<String, RoomMember> members = new LinkedHashMap<>();

    Room(Meeting meeting, Router router, int maxGroupParticipants) {
        this.meeting = meeting;
        this.router = router;
        this.capacity = meeting.kind() == MeetingKind.TWO_PARTY ? 2 : maxGroupParticipants;
    }

    public Meeting meeting() {
        return meeting;
    }

    public synchronized int size() {
        return members.size();
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    /**
     * Seats a participant. A participant already present on an older connection is replaced (a dead
     * connection never blocks a rejoin).
     */
    synchronized RoomMember join(Participant participant, MemberListener listener) throws JoinRefused {
        RoomMember previous = members.get(participant.participantId());
        if (previous == null && members.size() >= capacity) {
            throw new JoinRefused("room_full", meeting.kind() == MeetingKind.TWO_PARTY
                    ? "this visit already has two participants"
                    : "this visit already has its maximum of " + capacity + " participants");
        }
        if (previous != null) {
            removeLocked(previous);
            previous.listener.replaced();
        }
        RoomMember member = new RoomMember(this, participant, listener);
        List<MemberInfo> others = new ArrayList<>();
        for (RoomMember m : members.values()) others.add(m.info());
        members.put(participant.participantId(), member);
        listener.joined(member, others);
        MemberInfo info = member.info();
        for (RoomMember other : members.values()) {
            if (other == member) continue;
            other.listener.participantJoined(info);
            for (RoomMember.Published p : other.published) addReceiver(member, other, p);
        }
        offerIfChanged(member);
        return member;
    }

    /** Leaves the room and frees the member's transports, streams and subscriptions at once. */
    synchronized void leave(RoomMember member) {
        if (members.get(member.participantId()) == member) removeLocked(member);
    }

    private void removeLocked(RoomMember member) {
        members.remove(member.participantId());
        member.present = false;
        if (member.publishTransport != null) router.removeTransport(member.publishTransport);
        if (member.subscribeTransport != null) router.removeTransport(member.subscribeTransport);
        member.published.clear();
        member.received.clear();
        for (RoomMember other : members.values()) {
            deactivateFrom(other, member);
            other.listener.participantLeft(member.participantId());
            offerIfChanged(other);
        }
    }

    /**
     * Answers the member's publish offer, starts receiving what it accepted and offers the new streams
     * to everyone else. A second offer replaces what the first published.
     *
     * @return the answer SDP
     */
    public synchronized String publish(RoomMember member, String offerSdp) throws SdpException {
        requirePresent(member);
        if (member.publishTransport == null) member.publishTransport = router.createTransport();
        PublishAnswer answer = PublishAnswerer.answer(offerSdp, RoomMember.local(member.publishTransport));
        RemoteTransport remote = answer.remote();
        member.publishTransport.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());

        if (!member.published.isEmpty()) {
            for (RoomMember other : members.values()) if (other != member) deactivateFrom(other, member);
            for (RoomMember.Published p : member.published) router.unpublish(p.handle());
            member.published.clear();
        }
        for (AcceptedStream stream : answer.streams()) {
            member.published.add(new RoomMember.Published(stream, router.publish(member.publishTransport, stream.toStreamDescription())));
        }
        for (RoomMember other : members.values()) {
            if (other == member) continue;
            for (RoomMember.Published p : member.published) addReceiver(other, member, p);
            offerIfChanged(other);
        }
        return answer.sdp();
    }

    /** Checks the member's answer to its subscribe offer of {@code version}; then offers again if needed. */
    public synchronized void subscribeAnswer(RoomMember member, String answerSdp, long version) throws SdpException {
        requirePresent(member);
        if (member.awaitedVersion == 0 || version != member.awaitedVersion) {
            throw new SdpException("sdp_mismatch", "no subscribe offer of version " + version + " is waiting for an answer");
        }
        RemoteTransport remote = SubscribeOfferer.accept(answerSdp, member.awaitedTracks);
        if (!member.subscribeRemoteSet) {
            member.subscribeTransport.setRemoteParameters(remote.ufrag(), remote.password(), remote.fingerprintHash(), remote.fingerprint());
            member.subscribeRemoteSet = true;
        }
        member.awaitedVersion = 0;
        member.awaitedTracks = List.of();
        if (member.offerPending) sendOffer(member);
    }

    public synchronized MemberInfo setMuted(RoomMember member, boolean audioMuted, boolean videoMuted) {
        member.audioMuted = audioMuted;
        member.videoMuted = videoMuted;
        MemberInfo info = member.info();
        for (RoomMember other : members.values()) if (other != member) other.listener.participantUpdated(info);
        return info;
    }

    private void requirePresent(RoomMember member) throws SdpException {
        if (!member.present) throw new SdpException("not_joined", "this connection is no longer in the room");
    }

    /** Adds a section to {@code receiver}'s subscribe connection for one of {@code publisher}'s streams. */
    private void addReceiver(RoomMember receiver, RoomMember publisher, RoomMember.Published source) {
        if (receiver.subscribeTransport == null) receiver.subscribeTransport = router.createTransport();
        AcceptedStream s = source.stream();
        long ssrc = newSsrc(receiver);
        String codec = s.codec().name();
        String trackId = s.msidTrack() != null && !s.msidTrack().isEmpty()
                ? s.msidTrack() : s.kind().sdpName() + "-" + publisher.participantId();
        OfferedTrack track = new OfferedTrack(Integer.toString(receiver.received.size()), s.kind(),
                publisher.participantId(), trackId, ssrc, codec, true);
        Subscription sub = router.subscribe(receiver.subscribeTransport, source.handle(),
                new SubscriberParameters(ssrc, SubscribeOfferer.payloadType(codec), SubscribeOfferer.extensionIds(s.kind())));
        receiver.received.add(new RoomMember.Received(track, sub, source));
        receiver.offerPending = true;
    }

    /** Marks the sections of {@code receiver} that carried {@code publisher}'s streams inactive. */
    private void deactivateFrom(RoomMember receiver, RoomMember publisher) {
        for (RoomMember.Received r : receiver.received) {
            if (r.track.active() && r.track.streamId().equals(publisher.participantId())) {
                if (r.subscription != null) router.unsubscribe(r.subscription);
                r.subscription = null;
                OfferedTrack t = r.track;
                r.track = new OfferedTrack(t.mid(), t.kind(), t.streamId(), t.trackId(), t.ssrc(), t.codecName(), false);
                receiver.offerPending = true;
            }
        }
    }

    private void offerIfChanged(RoomMember member) {
        if (member.offerPending && member.awaitedVersion == 0 && member.subscribeTransport != null) sendOffer(member);
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

    private static long newSsrc(RoomMember receiver) {
        while (true) {
            long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
            boolean used = false;
            for (RoomMember.Received r : receiver.received) used |= r.track.ssrc() == ssrc;
            if (!used) return ssrc;
        }
    }

    /** Closes the router; called when the last member left. */
    void close() {
        router.close();
    }
}
