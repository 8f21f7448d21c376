package se.vardmote.signalling.room;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.meeting.AuditAction;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.sdp.SdpException;

/**
 * A live meeting: who is seated and who waits in the lobby, and what clinicians do about it. What each seated
 * member publishes and receives is negotiated by its {@link RoomMedia}. Every method takes the room's lock;
 * media calls only enqueue work on the router's event loop, so nothing here blocks on the network.
 *
 * <p>Roles are enforced here, not in the client: only a seated clinician may admit, deny, verify identity,
 * mute another, remove or end ({@link ActionRefused} {@code forbidden} otherwise, and nothing changes).
 *
 * <p>Audit events (through {@link AuditSink}): {@code waiting} when a member enters the lobby (detail: how it
 * joined), {@code admitted}, {@code denied}, {@code identity_verified} (detail: the method), {@code muted},
 * {@code removed} (the target's id and role), {@code joined} at a seat's first publish (detail {@code video}
 * when it published video, else {@code audio}; {@code phone} at seating for a telephone member; a seat that
 * never published writes {@code joined} {@code receive-only} when it ends), {@code left} when a seat ends
 * (detail null, or why: {@code replaced}, {@code removed}, {@code ended}, {@code cancelled}), {@code ended}.
 */
public final class Room {
    private static final System.Logger LOG = System.getLogger(Room.class.getName());
    /** The lobby holds at most this many at once: enough for any visit, and a bound on what a link can queue. */
    public static final int MAX_WAITING = 20;

    private Meeting meeting;
    private final RoomMedia media;
    private final int capacity;
    private final MeetingMemory memory;
    private final AuditSink audit;
    /** Seated members, in arrival order. */
    private final Map<String, RoomMember> members = new LinkedHashMap<>();
    /** The lobby, in arrival order. */
    private final Map<String, RoomMember> waiting = new LinkedHashMap<>();

    Room(Meeting meeting, Router router, int maxGroupParticipants, MeetingMemory memory, AuditSink audit) {
        this.meeting = meeting;
        this.media = new RoomMedia(router, Collections.unmodifiableCollection(members.values()));
        this.capacity = meeting.kind() == MeetingKind.TWO_PARTY ? MeetingKind.TWO_PARTY_SEATS : maxGroupParticipants;
        this.memory = memory;
        this.audit = audit;
    }

    public synchronized Meeting meeting() {
        return meeting;
    }

    /** Seated members (waiting ones take no seat). */
    public synchronized int size() {
        return members.size();
    }

    /** Adds this room's seated members to {@code counts}, keyed by [role, joinedVia]. */
    synchronized void countSeated(Map<List<String>, Integer> counts) {
        for (RoomMember m : members.values()) {
            counts.merge(List.of(m.participant.role().wireName(), m.via.wireName()), 1, Integer::sum);
        }
    }

    /** Members waiting in the lobby. */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    /** The lobby as clinicians see it. */
    public synchronized List<LobbyEntry> lobby() {
        List<LobbyEntry> list = new ArrayList<>(waiting.size());
        for (RoomMember m : waiting.values()) list.add(m.lobbyEntry());
        return list;
    }

    synchronized boolean isEmpty() {
        return members.isEmpty() && waiting.isEmpty();
    }

    /**
     * Seats a participant, or puts it in the lobby when the meeting has one and it is neither a clinician nor
     * admitted before (a participant removed by a clinician always comes back through the lobby). A
     * participant already present on an older connection is replaced (a dead connection never blocks a
     * rejoin); a seated one takes its seat back at once.
     *
     * @param current the meeting as booked now (a booking may have changed its lobby setting since the room opened)
     */
    synchronized RoomMember join(Meeting current, Participant participant, JoinedVia via, MemberListener listener) throws JoinRefused {
        meeting = current;
        if (memory.endedReason() != null) throw new JoinRefused("meeting_ended", "this visit has been ended");
        String id = participant.participantId();
        RoomMember seated = members.get(id);
        RoomMember queued = waiting.get(id);
        if (seated == null && mustWait(participant)) {
            if (queued == null && waiting.size() >= MAX_WAITING) {
                throw new JoinRefused("lobby_full", "the waiting room of this visit is full; try again in a while");
            }
            if (queued != null) {
                waiting.remove(id);
                queued.present = false;
                queued.listener.replaced();
            }
            RoomMember member = new RoomMember(this, participant, listener, via);
            member.waiting = true;
            member.identityVerified = memory.verification(id);
            waiting.put(id, member);
            listener.waiting(member);
            record(member, AuditAction.WAITING, via.wireName());
            lobbyChanged();
            return member;
        }
        if (seated == null && isFullFor(participant)) throw roomFull();
        if (queued != null) {
            waiting.remove(id);
            queued.present = false;
            queued.listener.replaced();
            lobbyChanged();
        }
        if (seated != null) {
            removeLocked(seated, "replaced");
            seated.listener.replaced();
        }
        RoomMember member = new RoomMember(this, participant, listener, via);
        member.identityVerified = memory.verification(id);
        seat(member);
        return member;
    }

    private boolean mustWait(Participant p) {
        String id = p.participantId();
        if (memory.isAdmitted(id)) return false;
        if (memory.wasRemoved(id)) return true;
        return meeting.lobby() && p.role() != Role.CLINICIAN;
    }

    /** Whether {@code p} finds no seat: in a two-party visit interpreters do not count and always find one. */
    private boolean isFullFor(Participant p) {
        if (meeting.kind() != MeetingKind.TWO_PARTY) return members.size() >= capacity;
        if (!p.role().takesTwoPartySeat()) return false;
        int taken = 0;
        for (RoomMember m : members.values()) if (m.participant.role().takesTwoPartySeat()) taken++;
        return taken >= capacity;
    }

    private JoinRefused roomFull() {
        return new JoinRefused("room_full", meeting.kind() == MeetingKind.TWO_PARTY
                ? "this visit already has two participants besides interpreters"
                : "this visit already has its maximum of " + capacity + " participants");
    }

    /** Gives the member its seat: the room state to it, its arrival and streams to the others. */
    private void seat(RoomMember member) {
        memory.admit(member.participantId());
        List<MemberInfo> others = new ArrayList<>();
        for (RoomMember m : members.values()) others.add(m.info());
        members.put(member.participantId(), member);
        List<LobbyEntry> lobby = member.participant.role() == Role.CLINICIAN ? lobby() : List.of();
        member.listener.joined(member, others, lobby);
        MemberInfo info = member.info();
        for (RoomMember other : members.values()) {
            if (other == member) continue;
            other.listener.participantJoined(info);
            media.receiveAllFrom(member, other);
        }
        media.offerIfChanged(member);
        if (member.listener.localAudio() != null) media.publishLocalAudio(member);
        if (member.via == JoinedVia.PHONE) {
            member.joinAudited = true;
            record(member, AuditAction.JOINED, JoinedVia.PHONE.wireName());
        }
    }

    /**
     * The member's connection dropped without {@code leave}. A seated browser member keeps its seat, its
     * transports and its streams (media that still flows keeps flowing), and the others see it
     * {@code reconnecting}; returns true. Anyone else (waiting, by phone, already gone) is not held: false,
     * and the caller lets it leave.
     */
    synchronized boolean holdForReconnect(RoomMember member) {
        if (members.get(member.participantId()) != member || member.via == JoinedVia.PHONE) return false;
        member.reconnecting = true;
        MemberInfo info = member.info();
        for (RoomMember other : members.values()) if (other != member) other.listener.participantUpdated(info);
        return true;
    }

    /** Whether {@code member} still holds its seat waiting to reconnect (not back on a new connection, not gone). */
    synchronized boolean isHeldForReconnect(RoomMember member) {
        return member.reconnecting && members.get(member.participantId()) == member;
    }

    /** Tells everyone present, seated or waiting, that the server shuts down by {@code closesAt}. */
    synchronized void serverDraining(java.time.Instant closesAt) {
        for (RoomMember m : members.values()) m.listener.serverDraining(closesAt);
        for (RoomMember m : waiting.values()) m.listener.serverDraining(closesAt);
    }

    /** Leaves the room (or its lobby) and frees the member's transports, streams and subscriptions at once. */
    synchronized void leave(RoomMember member) {
        String id = member.participantId();
        if (members.get(id) == member) {
            removeLocked(member, null);
        } else if (waiting.get(id) == member) {
            waiting.remove(id);
            member.present = false;
            lobbyChanged();
        }
    }

    private void removeLocked(RoomMember member, String leftDetail) {
        members.remove(member.participantId());
        release(member, leftDetail);
        for (RoomMember other : members.values()) {
            media.deactivateFrom(other, member);
            other.listener.participantLeft(member.participantId());
            media.offerIfChanged(other);
        }
    }

    /** Frees a seated member's media and writes the end of its seat to the audit log. */
    private void release(RoomMember member, String leftDetail) {
        member.present = false;
        media.release(member);
        auditReceiveOnlyJoin(member);
        record(member, AuditAction.LEFT, leftDetail);
    }

    /** A seat that ends (or is acted on) without ever publishing still joined: it received. */
    private void auditReceiveOnlyJoin(RoomMember member) {
        if (member.joinAudited) return;
        member.joinAudited = true;
        record(member, AuditAction.JOINED, "receive-only");
    }

    // --- what clinicians do ---

    /** Seats a waiting participant. A full room refuses ({@code room_full}); the participant keeps waiting. */
    public synchronized void admit(RoomMember actor, String participantId) throws ActionRefused {
        requireClinician(actor, "let participants in");
        RoomMember target = waiting.get(participantId);
        if (target == null) throw notWaiting();
        if (isFullFor(target.participant)) {
            throw new ActionRefused("room_full", roomFull().getMessage() + "; someone must leave before another is let in");
        }
        waiting.remove(participantId);
        target.waiting = false;
        record(target, AuditAction.ADMITTED, null);
        seat(target);
        lobbyChanged();
    }

    /** Turns a waiting participant away; it is told {@code denied} and its connection ends. */
    public synchronized void deny(RoomMember actor, String participantId) throws ActionRefused {
        requireClinician(actor, "turn participants away");
        RoomMember target = waiting.remove(participantId);
        if (target == null) throw notWaiting();
        target.present = false;
        target.listener.dismissed("denied", "you were not let into this visit");
        record(target, AuditAction.DENIED, null);
        lobbyChanged();
    }

    /**
     * Marks a seated participant's identity as verified; everyone sees it in the participant's info. Kept for
     * the meeting's validity: a participant that reconnects stays verified.
     */
    public synchronized void verifyIdentity(RoomMember actor, String participantId, IdentityMethod method) throws ActionRefused {
        requireClinician(actor, "verify identities");
        RoomMember target = seated(participantId);
        target.identityVerified = method;
        memory.verified(participantId, method);
        record(target, AuditAction.IDENTITY_VERIFIED, method.wireName());
        MemberInfo info = target.info();
        for (RoomMember other : members.values()) if (other != target) other.listener.participantUpdated(info);
    }

    /**
     * Mutes a seated participant's microphone: it is told {@code mutedBy} (its client turns the microphone
     * off), and everyone else sees it muted at once.
     */
    public synchronized void muteParticipant(RoomMember actor, String participantId) throws ActionRefused {
        requireClinician(actor, "mute others");
        RoomMember target = seated(participantId);
        boolean changed = !target.audioMuted;
        target.audioMuted = true;
        target.listener.mutedBy(actor.participantId());
        if (changed) target.listener.audioMuteChanged(true);
        record(target, AuditAction.MUTED, null);
        MemberInfo info = target.info();
        for (RoomMember other : members.values()) if (other != target) other.listener.participantUpdated(info);
    }

    /**
     * Removes a participant, seated or waiting: it is told {@code removed} and its connection ends. If it
     * comes back with its link it waits in the lobby, whatever the meeting's lobby setting.
     */
    public synchronized void removeParticipant(RoomMember actor, String participantId) throws ActionRefused {
        requireClinician(actor, "remove participants");
        if (actor.participantId().equals(participantId)) {
            throw new ActionRefused("forbidden", "to leave the visit yourself, send leave");
        }
        RoomMember target = members.get(participantId);
        if (target == null) target = waiting.get(participantId);
        if (target == null) throw new ActionRefused("unknown_participant", "nobody with that participant id is in this visit");
        memory.revoke(participantId);
        target.listener.dismissed("removed", "a clinician removed you from this visit");
        if (!target.waiting) auditReceiveOnlyJoin(target);
        record(target, AuditAction.REMOVED, null);
        if (target.waiting) {
            waiting.remove(participantId);
            target.present = false;
            lobbyChanged();
        } else {
            removeLocked(target, "removed");
        }
    }

    /** Checks that a clinician may end the meeting; {@link Rooms#endMeeting} does the rest. */
    synchronized void requireMayEnd(RoomMember actor) throws ActionRefused {
        requireClinician(actor, "end the visit");
    }

    /**
     * Ends the meeting: everyone, seated or waiting, is told {@code meetingEnded} and let go; the media is
     * freed; later joins are refused. The caller closes the room.
     *
     * @param actor  the clinician who ended it, or null when the booking was cancelled
     * @param reason {@code ended} or {@code cancelled}
     */
    synchronized void end(RoomMember actor, String reason) {
        memory.end(reason);
        for (RoomMember m : waiting.values()) {
            m.present = false;
            m.listener.meetingEnded(reason);
        }
        waiting.clear();
        List<RoomMember> seatedNow = new ArrayList<>(members.values());
        members.clear();
        for (RoomMember m : seatedNow) {
            release(m, reason);
            m.listener.meetingEnded(reason);
        }
        if (actor != null) record(actor, AuditAction.ENDED, null);
        else record(null, null, AuditAction.ENDED, reason);
    }

    /** The booking no longer has this seat: the participant, seated or waiting, is removed. */
    synchronized void seatCancelled(String participantId) {
        memory.revoke(participantId);
        RoomMember target = members.get(participantId);
        if (target != null) {
            target.listener.dismissed("removed", "your seat in this visit was cancelled");
            removeLocked(target, "removed");
            return;
        }
        target = waiting.remove(participantId);
        if (target != null) {
            target.present = false;
            target.listener.dismissed("removed", "your seat in this visit was cancelled");
            lobbyChanged();
        }
    }

    /** The role first: whatever else holds, a patient asking to admit hears {@code forbidden}. */
    private void requireClinician(RoomMember actor, String what) throws ActionRefused {
        if (actor.participant.role() != Role.CLINICIAN) {
            throw new ActionRefused("forbidden", "only a clinician may " + what);
        }
        if (!actor.present || members.get(actor.participantId()) != actor) {
            throw new ActionRefused(actor.waiting ? "waiting" : "not_joined", "only a clinician in the visit may " + what);
        }
    }

    private RoomMember seated(String participantId) throws ActionRefused {
        RoomMember target = members.get(participantId);
        if (target == null) throw new ActionRefused("unknown_participant", "nobody with that participant id is in the visit");
        return target;
    }

    private static ActionRefused notWaiting() {
        return new ActionRefused("unknown_participant", "nobody with that participant id is waiting");
    }

    private void lobbyChanged() {
        List<LobbyEntry> lobby = null;
        for (RoomMember m : members.values()) {
            if (m.participant.role() != Role.CLINICIAN) continue;
            if (lobby == null) lobby = lobby();
            m.listener.lobbyUpdated(lobby);
        }
    }

    private void record(RoomMember member, AuditAction action, String detail) {
        record(member.participantId(), member.participant.role(), action, detail);
    }

    /** An audit failure must not leave the room half-changed: the sink is called last-in-line and guarded. */
    private void record(String participantId, Role role, AuditAction action, String detail) {
        try {
            audit.record(meeting.meetingId(), participantId, role, action, detail);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not audit {0}: {1}", action.wireName(), e.getClass().getName());
        }
    }

    /**
     * Answers the member's publish offer ({@link RoomMedia#publish}); the seat's first publish writes its
     * {@code joined} audit event.
     *
     * @return the answer SDP
     */
    public synchronized String publish(RoomMember member, String offerSdp) throws SdpException {
        requirePresent(member);
        String answer = media.publish(member, offerSdp);
        if (!member.joinAudited) {
            member.joinAudited = true;
            boolean video = false;
            for (RoomMember.Published p : member.published) video |= p.stream().kind() == MediaKind.VIDEO;
            record(member, AuditAction.JOINED, video ? "video" : "audio");
        }
        return answer;
    }

    /** Checks the member's answer to its subscribe offer of {@code version}; then offers again if needed. */
    public synchronized void subscribeAnswer(RoomMember member, String answerSdp, long version) throws SdpException {
        requirePresent(member);
        media.subscribeAnswer(member, answerSdp, version);
    }

    /** How large {@code member} shows the pictures it receives, by section mid (width, height in CSS pixels). */
    public synchronized void setViewSizes(RoomMember member, java.util.Map<String, int[]> sizes) {
        if (member.waiting || !member.present) return;
        media.viewSizes(member, sizes);
    }

    public synchronized MemberInfo setMuted(RoomMember member, boolean audioMuted, boolean videoMuted) {
        if (member.waiting || !member.present) return member.info();
        boolean audioChanged = member.audioMuted != audioMuted;
        member.audioMuted = audioMuted;
        member.videoMuted = videoMuted;
        if (audioChanged) member.listener.audioMuteChanged(audioMuted);
        MemberInfo info = member.info();
        for (RoomMember other : members.values()) if (other != member) other.listener.participantUpdated(info);
        return info;
    }

    /** Flips a seated member's microphone state (a phone caller's {@code *6}); its video state stays. */
    public synchronized MemberInfo toggleAudioMuted(RoomMember member) {
        return setMuted(member, !member.audioMuted, member.videoMuted);
    }

    private void requirePresent(RoomMember member) throws SdpException {
        if (!member.present) throw new SdpException("not_joined", "this connection is no longer in the room");
        if (member.waiting) throw new SdpException("waiting", "you are waiting to be let in; nothing is sent until then");
    }

    /** Closes the router; called when the last member left. */
    void close() {
        media.close();
    }
}
