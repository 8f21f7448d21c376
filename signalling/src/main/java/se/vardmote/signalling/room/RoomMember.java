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
 * One connected participant in a live room, seated or waiting in the lobby: its two transports (publish
 * and subscribe), what it publishes, and what it receives. Guarded by its room's lock; only {@link Room}
 * mutates it. {@link #isWaiting()} and {@link #isPresent()} may be read from any thread.
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
    final JoinedVia via;
    boolean audioMuted;
    boolean videoMuted;
    volatile boolean present = true;
    /** In the lobby: no transports, no streams, no offers, nothing of the room but "waiting". */
    volatile boolean waiting;
    IdentityMethod identityVerified;
    /** Its connection dropped without {@code leave}; it keeps its seat and media for the reconnect grace. */
    boolean reconnecting;
    /** Whether this seat's {@code joined} audit event is written (at its first publish, or at seating by phone). */
    boolean joinAudited;

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

    RoomMember(Room room, Participant participant, MemberListener listener, JoinedVia via) {
        this.room = room;
        this.participant = participant;
        this.listener = listener;
        this.via = via;
    }

    /** Waiting in the lobby (not seated yet). */
    public boolean isWaiting() {
        return waiting;
    }

    /** Still in the room or its lobby (false once it left, was replaced, removed, denied or the meeting ended). */
    public boolean isPresent() {
        return present;
    }

    public JoinedVia joinedVia() {
        return via;
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
        return new MemberInfo(participant.participantId(), participant.role(), participant.displayName(), audioMuted, videoMuted,
                identityVerified, via, reconnecting);
    }

    LobbyEntry lobbyEntry() {
        return new LobbyEntry(participant.participantId(), participant.role(), participant.displayName(), via);
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
