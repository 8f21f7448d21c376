package se.vardmote.signalling.sip;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.room.JoinRefused;
import se.vardmote.signalling.room.JoinedVia;
import se.vardmote.signalling.room.MemberInfo;
import se.vardmote.signalling.room.MemberListener;
import se.vardmote.signalling.room.RoomMember;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.sdp.OfferedTrack;

/**
 * Seats phone callers in the live rooms: a caller becomes a room member with its own participant id,
 * the role the IVR settled on and the masked number as its name, waits in the lobby like anyone else,
 * and once seated publishes its voice through the room's mixer ({@link PhoneLegCallMedia#joinMix}).
 * Thread-safe; the rooms call the listener with their lock held, and the SIP layer re-posts.
 */
public final class RoomAdmission implements PhoneAdmission {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Rooms rooms;

    public RoomAdmission(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public Seat admit(PhoneCaller caller, Listener listener) {
        Participant participant = new Participant(newParticipantId(), caller.role(), caller.displayName());
        CallerInRoom member = new CallerInRoom(caller, listener);
        try {
            member.seat = rooms.join(caller.meeting(), participant, JoinedVia.PHONE, member);
        } catch (JoinRefused e) {
            listener.refused(e.code());
            return NO_SEAT;
        }
        return new Seat() {
            @Override public void leave() { member.leave(); }
            @Override public void toggleMute() { member.toggleMute(); }
        };
    }

    /** Phone participants are not booked seats: they get a fresh id per call (no number in it). */
    private static String newParticipantId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "phone-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** One caller as the room sees it. */
    private final class CallerInRoom implements MemberListener {
        private final PhoneCaller caller;
        private final Listener listener;
        private volatile RoomMember seat;
        private volatile boolean gone;

        CallerInRoom(PhoneCaller caller, Listener listener) {
            this.caller = caller;
            this.listener = listener;
        }

        void leave() {
            if (gone) return;
            gone = true;
            RoomMember m = seat;
            if (m != null) rooms.leave(m);
        }

        /** *6: the caller's own mute toggle; the room holds the state and reports it back below. */
        void toggleMute() {
            RoomMember m = seat;
            if (gone || m == null || m.isWaiting()) return;
            m.room().toggleAudioMuted(m);
        }

        /** A phone has no microphone button: the SIP layer silences the caller's voice itself. */
        @Override
        public void audioMuteChanged(boolean muted) {
            if (!gone) listener.muteChanged(muted);
        }

        @Override
        public Function<Router, PublishedStream> localAudio() {
            return caller.media() instanceof PhoneLegCallMedia leg ? leg::joinMix : null;
        }

        @Override
        public void joined(RoomMember self, List<MemberInfo> others) {
            seat = self;
            if (!gone) listener.admitted();
        }

        @Override
        public void waiting(RoomMember self) {
            seat = self;
            if (!gone) listener.waiting();
        }

        @Override
        public void dismissed(String code, String message) {
            end(code);
        }

        @Override
        public void meetingEnded(String reason) {
            end(reason == null ? "ended" : reason);
        }

        @Override
        public void replaced() {
            end("replaced");
        }

        private void end(String reason) {
            if (gone) return;
            gone = true;
            listener.removed(reason);
        }

        // A caller hears the room through the mixer: nothing of the browsers' signalling concerns it.
        @Override public void participantJoined(MemberInfo participant) { }
        @Override public void participantLeft(String participantId) { }
        @Override public void participantUpdated(MemberInfo participant) { }
        @Override public void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks) { }
    }
}
