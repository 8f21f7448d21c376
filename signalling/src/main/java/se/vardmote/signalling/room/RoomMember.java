package se.vardmote.signalling.room;

import java.util.ArrayList;
import java.util.List;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Subscription;
import se.vardmote.media.transport.WebRtcTransport;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.sdp.AcceptedStream;
import se.vardmote.signalling.sdp.LocalTransport;
import se.vardmote.signalling.sdp.OfferedTrack;

/**
 * One connected participant in a live room: its two transports (publish and subscribe), what it
 * publishes, and what it receives. Guarded by its room's lock; only {@link Room} mutates it.
 */
public final class RoomMember {

    /** A stream this member publishes, with the router's handle. */
    record Published(AcceptedStream stream, PublishedStream handle) {
    }

    /** A section of this member's subscribe connection and the router subscription behind it (null once inactive). */
    static final class Received {
        OfferedTrack track;
        Subscription subscription;
        final Published source;

        Received(OfferedTrack track, Subscription subscription, Published source) {
            this.track = track;
            this.subscription = subscription;
            this.source = source;
        }
    }

    final Room room;
    final Participant participant;
    final MemberListener listener;
    boolean audioMuted;
    boolean videoMuted;
    boolean present = true;

    WebRtcTransport publishTransport;
    final List<Published> published = new ArrayList<>();

    WebRtcTransport subscribeTransport;
    boolean subscribeRemoteSet;
    final List<Received> received = new ArrayList<>();
    final long subscribeSessionId = Math.abs(new java.security.SecureRandom().nextLong() >>> 2) + 1;
    long subscribeVersion;
    /** The version we wait an answer for, or 0 when none is outstanding. */
    long awaitedVersion;
    /** Tracks as offered at {@link #awaitedVersion}, to check the answer against. */
    List<OfferedTrack> awaitedTracks = List.of();
    /** Something changed while an offer was outstanding: offer again after the answer. */
    boolean offerPending;

    RoomMember(Room room, Participant participant, MemberListener listener) {
        this.room = room;
        this.participant = participant;
        this.listener = listener;
    }

    public String participantId() {
        return participant.participantId();
    }

    public Room room() {
        return room;
    }

    public Participant participant() {
        return participant;
    }

    MemberInfo info() {
        return new MemberInfo(participant.participantId(), participant.role(), participant.displayName(), audioMuted, videoMuted);
    }

    static LocalTransport local(WebRtcTransport t) {
        return new LocalTransport(t.localUfrag(), t.localPassword(), t.localFingerprint(), t.localCandidates());
    }

    List<OfferedTrack> offeredTracks() {
        List<OfferedTrack> tracks = new ArrayList<>(received.size());
        for (Received r : received) tracks.add(r.track);
        return tracks;
    }
}
