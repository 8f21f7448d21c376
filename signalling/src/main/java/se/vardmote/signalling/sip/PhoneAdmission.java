package se.vardmote.signalling.sip;

import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.Role;

/**
 * Seats a phone caller in a meeting's live room, through the lobby when the meeting has one. The SIP
 * layer calls {@link #admit} once per call, after the caller has reached a meeting (IVR done, or a
 * direct dial answered); the rooms implement it (the lead wires it over {@code Rooms}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code admit} returns at once (it must not block on the room's thread) and never throws for a
 *       room-level refusal: it reports that through {@link Listener#refused}.
 *   <li>Exactly one of {@link Listener#waiting} or {@link Listener#admitted} follows, or {@code refused}.
 *       {@code waiting} may later be followed by {@code admitted} (a clinician let the caller in) or
 *       {@code removed} (denied, meeting ended).
 *   <li>After {@code admitted}, the implementation connects the caller's media to the room itself:
 *       {@link PhoneCaller#media()} is a {@link PhoneLegCallMedia} in production, whose
 *       {@code joinMix(router)}/{@code leaveMix()} it calls. The SIP layer stops its prompts first.
 *   <li>{@link Listener#removed} means the caller must leave: the SIP layer sends BYE and closes the media.
 *       Use it for a removed participant, a denied lobby entry, and the end or cancellation of the meeting.
 *   <li>Listener methods may be called on any thread; the SIP layer re-posts them to its call thread.
 *       None is called after {@link Seat#leave()}.
 *   <li>The participant appears in the room's participant list with {@link PhoneCaller#displayName()}
 *       ({@code Telefon ••• 1234}) and {@link PhoneCaller#role()}. The caller is never removed because
 *       its audio is silent.
 * </ul>
 */
public interface PhoneAdmission {

    /**
     * One caller to seat.
     *
     * @param meeting     the meeting reached
     * @param role        {@code INTERPRETER}, or {@code CLINICIAN} after a correct leader PIN
     * @param displayName the masked number, {@code Telefon ••• 1234}
     * @param route       how the call arrived (IVR, direct, video system)
     * @param media       the call's media
     */
    record PhoneCaller(Meeting meeting, Role role, String displayName, DialRoute route, CallMedia media) {
    }

    /** Hears what becomes of the caller. */
    interface Listener {
        /** Held in the lobby: the SIP layer plays "please wait" and a soft tone. */
        void waiting();

        /** In the room: the SIP layer stops prompts; the implementation joins the media to the mix. */
        void admitted();

        /** Must leave (removed, denied, meeting ended or cancelled): the SIP layer sends BYE. */
        void removed(String reason);

        /** Cannot be seated at all (room full, meeting closed): the SIP layer says goodbye and sends BYE. */
        void refused(String reason);

        /**
         * The caller is now muted or unmuted in the room (its own {@code *6}, or a clinician muted it): the
         * SIP layer silences or restores its voice and tells the caller.
         */
        void muteChanged(boolean muted);
    }

    /** The caller's place in the room. */
    interface Seat {
        /** The caller hung up (or the call failed): leave the room or lobby. Idempotent. */
        void leave();

        /**
         * The caller pressed {@code *6}: mutes its voice towards the room, or unmutes it (also after a
         * clinician muted it). The others see the change. Nothing happens in the lobby.
         */
        void toggleMute();
    }

    /** A seat that is no seat (the caller was refused). */
    Seat NO_SEAT = new Seat() {
        @Override public void leave() { }
        @Override public void toggleMute() { }
    };

    Seat admit(PhoneCaller caller, Listener listener);
}
