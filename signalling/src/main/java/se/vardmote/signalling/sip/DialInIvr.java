package se.vardmote.signalling.sip;

import java.lang.System.Logger.Level;
import java.util.Optional;
import se.vardmote.signalling.meeting.ConferenceId;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.PinCheck;
import se.vardmote.signalling.meeting.Role;

/**
 * The dial-in state machine of one call, from the first prompt until the caller is seated (or told
 * goodbye): conference id, optional leader PIN, then admission and the lobby. Driven by DTMF digits (RFC
 * 4733 from the media, SIP INFO from the server), by timers and by admission callbacks. Knows nothing of
 * SIP; the server hears the end of the call through {@link Hangup}.
 *
 * <p>Owned by the {@link CallThread}: every method runs there (DTMF and admission callbacks are re-posted
 * to it), so there are no locks. Digits are never logged.
 *
 * <p>The flow (prompts in {@code prompts/<lang>/}):
 * <ol>
 *   <li>{@code welcome}, {@code enter-conference-id}; the caller types the id and {@code #}. The Luhn
 *       check digit is checked first (no database look-up for a typo), then the directory; a valid but
 *       unknown id sounds the same as a typo ({@code conference-id-invalid}), so the IVR does not reveal
 *       which ids exist. A known meeting outside its joining window gets {@code meeting-not-open}. Either
 *       counts as a wrong try; after {@value #MAX_ID_TRIES} the caller hears {@code goodbye} and the call
 *       ends. {@code *} restarts the entry.
 *   <li>{@code leader-or-hash}: {@code #} joins as interpreter; {@code *}, PIN, {@code #} checks the leader
 *       PIN. Accepted: clinician. Rejected: {@code pin-invalid}, audited {@code pin_failed}, and the
 *       question again; after {@value #MAX_PIN_TRIES} wrong PINs on one call the caller continues as
 *       interpreter (an interpreter who pressed {@code *} by mistake should not be cut off; guessing is
 *       bounded by the per-meeting lock). Locked: {@code pin-locked}, then interpreter.
 *   <li>Admission: waiting in the lobby plays {@code please-wait} and the soft {@code wait-tone} in a loop
 *       until admitted; admitted stops the prompts (the room's audio takes over); removed ends the call.
 * </ol>
 * No input for {@value #INPUT_TIMEOUT_MILLIS} ms after a question has been spoken repeats it; after
 * {@value #MAX_TIMEOUTS} silent rounds the id question ends the call, the leader question joins as
 * interpreter. A silent caller in the lobby or room is never hung up on.
 */
public final class DialInIvr {

    private static final System.Logger LOG = System.getLogger(DialInIvr.class.getName());

    public static final int MAX_ID_TRIES = 3;
    public static final int MAX_PIN_TRIES = 3;
    public static final int MAX_TIMEOUTS = 3;
    public static final long INPUT_TIMEOUT_MILLIS = 10_000;
    /** Longest digit string kept (ids are 9, PINs at most 12); more is a wrong entry, not a bigger buffer. */
    public static final int MAX_DIGITS = 16;
    /** Pause after the goodbye prompt ends before the BYE, so its last syllable is not cut. */
    static final long GOODBYE_TAIL_MILLIS = 300;

    public static final String WELCOME = "welcome";
    public static final String ENTER_ID = "enter-conference-id";
    public static final String ID_INVALID = "conference-id-invalid";
    public static final String NOT_OPEN = "meeting-not-open";
    public static final String LEADER_OR_HASH = "leader-or-hash";
    public static final String PIN_INVALID = "pin-invalid";
    public static final String PIN_LOCKED = "pin-locked";
    public static final String PLEASE_WAIT = "please-wait";
    public static final String GOODBYE = "goodbye";
    /** Said over the room's sound when the caller's voice stops reaching the room. */
    public static final String MUTED = "muted";
    public static final String UNMUTED = "unmuted";
    /** Language-free: {@code prompts/wait-tone.wav}. */
    public static final String WAIT_TONE = "wait-tone";

    /** How the server hears that the call must end (it sends BYE and closes the media). */
    public interface Hangup {
        void hangUp(String reason);
    }

    public enum State { NEW, ENTERING_ID, CHOOSING_ROLE, ENTERING_PIN, ADMITTING, WAITING, ADMITTED, ENDING, ENDED }

    private final CallMedia media;
    private final ConferenceDirectory directory;
    private final PhoneAdmission admission;
    private final AuditSink audit;
    private final CallThread thread;
    private final PromptLanguage language;
    private final String maskedNumber;
    private final Hangup hangup;

    private State state = State.NEW;
    private final char[] digits = new char[MAX_DIGITS];
    private int digitCount;
    private boolean overflow;
    private int idTries;
    private int pinTries;
    private int timeouts;
    private long speakingUntil;
    private CallThread.Timer inputTimer;
    private DialRoute route = DialRoute.IVR;
    private Meeting meeting;
    private Role role;
    private PhoneAdmission.Seat seat;
    /** In the room, {@code *} was the last key: a following {@code 6} toggles mute. */
    private boolean starPressed;

    public DialInIvr(CallMedia media, ConferenceDirectory directory, PhoneAdmission admission, AuditSink audit,
                     CallThread thread, PromptLanguage language, String maskedNumber, Hangup hangup) {
        this.media = media;
        this.directory = directory;
        this.admission = admission;
        this.audit = audit;
        this.thread = thread;
        this.language = language;
        this.maskedNumber = maskedNumber;
        this.hangup = hangup;
        media.setDtmfListener(d -> thread.execute(() -> onDigit(d)));
    }

    public State state() {
        return state;
    }

    /** The role the caller was seated with; null before admission. */
    public Role role() {
        return role;
    }

    public Meeting meeting() {
        return meeting;
    }

    /** Starts the IVR (the caller dialled an IVR number): welcome, then the id question. */
    public void startIvr() {
        if (state != State.NEW) return;
        route = DialRoute.IVR;
        say(WELCOME);
        askForId();
    }

    /**
     * Starts a call that already names its meeting (a conference id or the video prefix plus one): no
     * questions, straight to admission as interpreter.
     */
    public void startDirect(Meeting meeting, DialRoute route) {
        if (state != State.NEW) return;
        this.meeting = meeting;
        this.route = route;
        admit(Role.INTERPRETER);
    }

    /** One key press: {@code 0-9}, {@code *}, {@code #} (others, such as A-D, are ignored). */
    public void onDigit(char digit) {
        if (state == State.ADMITTED) {
            inRoomKey(digit);
            return;
        }
        if (state != State.ENTERING_ID && state != State.CHOOSING_ROLE && state != State.ENTERING_PIN) return;
        if (!(digit >= '0' && digit <= '9') && digit != '*' && digit != '#') return;
        cancelTimer();
        timeouts = 0;
        if (speakingUntil > thread.nowMillis()) {
            media.stopPlayback(); // barge-in: the caller knows what to type
            speakingUntil = thread.nowMillis();
        }
        switch (state) {
            case ENTERING_ID -> {
                if (digit == '#') checkId();
                else if (digit == '*') clearDigits();
                else append(digit);
            }
            case CHOOSING_ROLE -> {
                if (digit == '#') admit(Role.INTERPRETER);
                else if (digit == '*') {
                    clearDigits();
                    state = State.ENTERING_PIN;
                }
                // a plain digit here is ignored: the caller must choose * or #
            }
            case ENTERING_PIN -> {
                if (digit == '#') checkPin();
                else if (digit == '*') clearDigits();
                else append(digit);
            }
            default -> { }
        }
        if (state == State.ENTERING_ID || state == State.CHOOSING_ROLE || state == State.ENTERING_PIN) armTimer();
    }

    /** In the room only {@code *6} means something (mute or unmute yourself); other keys are ignored. */
    private void inRoomKey(char digit) {
        if (starPressed && digit == '6' && seat != null) seat.toggleMute();
        starPressed = digit == '*';
    }

    /** The caller hung up (BYE) or the call failed: leave the room or lobby, stop timers. Idempotent. */
    public void callerHungUp() {
        state = State.ENDED;
        cancelTimer();
        PhoneAdmission.Seat s = seat;
        seat = null;
        if (s != null) s.leave();
    }

    // --- the id -------------------------------------------------------------------------------------

    private void askForId() {
        state = State.ENTERING_ID;
        clearDigits();
        say(ENTER_ID);
        armTimer();
    }

    private void checkId() {
        String entered = overflow ? null : new String(digits, 0, digitCount);
        clearDigits();
        Meeting found = null;
        boolean open = false;
        if (ConferenceId.isValid(entered)) {
            try {
                Optional<Meeting> m = directory.findByConferenceId(entered);
                if (m.isPresent()) {
                    found = m.get();
                    open = directory.isOpenForJoining(found);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: conference directory failed: " + e);
                goodbye("directory unavailable");
                return;
            }
        }
        if (found != null && open) {
            meeting = found;
            askForRole();
            return;
        }
        idTries++;
        say(found != null ? NOT_OPEN : ID_INVALID);
        if (idTries >= MAX_ID_TRIES) {
            goodbye("three wrong conference ids");
        } else {
            askForId();
        }
    }

    // --- the leader PIN -----------------------------------------------------------------------------

    private void askForRole() {
        state = State.CHOOSING_ROLE;
        clearDigits();
        say(LEADER_OR_HASH);
        armTimer();
    }

    private void checkPin() {
        String pin = overflow || digitCount == 0 ? null : new String(digits, 0, digitCount);
        clearDigits();
        PinCheck result;
        if (pin == null) {
            result = PinCheck.REJECTED; // nothing or too much typed: a wrong try, not worth a look-up
        } else {
            try {
                result = directory.checkLeaderPin(meeting.meetingId(), pin);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dial-in: leader PIN check failed: " + e);
                result = PinCheck.LOCKED;
            }
        }
        switch (result) {
            case ACCEPTED -> admit(Role.CLINICIAN);
            case LOCKED -> {
                say(PIN_LOCKED);
                admit(Role.INTERPRETER);
            }
            case REJECTED -> {
                pinTries++;
                audit.pinFailed(meeting.meetingId(), maskedNumber);
                say(PIN_INVALID);
                if (pinTries >= MAX_PIN_TRIES) admit(Role.INTERPRETER);
                else askForRole();
            }
        }
    }

    // --- admission ----------------------------------------------------------------------------------

    private void admit(Role seatedAs) {
        state = State.ADMITTING;
        role = seatedAs;
        cancelTimer();
        audit.dialIn(meeting.meetingId(), seatedAs, route, maskedNumber);
        LOG.log(Level.INFO, "dial-in: " + maskedNumber + " reached a meeting via " + route.wireName() + " as "
                + seatedAs.wireName());
        PhoneAdmission.Listener listener = new PhoneAdmission.Listener() {
            @Override public void waiting() { thread.execute(DialInIvr.this::onWaiting); }
            @Override public void admitted() { thread.execute(DialInIvr.this::onAdmitted); }
            @Override public void removed(String reason) { thread.execute(() -> onRemoved(reason)); }
            @Override public void refused(String reason) { thread.execute(() -> onRefused(reason)); }
            @Override public void muteChanged(boolean muted) { thread.execute(() -> onMuteChanged(muted)); }
        };
        try {
            seat = admission.admit(new PhoneAdmission.PhoneCaller(meeting, seatedAs, maskedNumber, route, media), listener);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dial-in: admission failed: " + e);
            goodbye("admission failed");
        }
    }

    private void onWaiting() {
        if (state != State.ADMITTING) return;
        state = State.WAITING;
        say(PLEASE_WAIT);
        media.play(WAIT_TONE, true);
    }

    private void onAdmitted() {
        if (state != State.ADMITTING && state != State.WAITING) return;
        state = State.ADMITTED;
        media.stopPlayback();
    }

    private void onMuteChanged(boolean muted) {
        if (state != State.ADMITTED) return;
        media.setMuted(muted);
        media.stopPlayback();
        say(muted ? MUTED : UNMUTED);
    }

    private void onRemoved(String reason) {
        if (state == State.ENDED) return;
        state = State.ENDED;
        cancelTimer();
        seat = null;
        hangup.hangUp(reason);
    }

    private void onRefused(String reason) {
        if (state == State.ENDED || state == State.ENDING) return;
        seat = null;
        goodbye(reason);
    }

    // --- prompts, timers, digits -------------------------------------------------------------------

    private void say(String name) {
        long now = thread.nowMillis();
        long length = media.play(language.prompt(name), false);
        speakingUntil = Math.max(now, speakingUntil) + Math.max(0, length);
    }

    private void goodbye(String reason) {
        state = State.ENDING;
        cancelTimer();
        say(GOODBYE);
        long delay = Math.max(0, speakingUntil - thread.nowMillis()) + GOODBYE_TAIL_MILLIS;
        thread.schedule(delay, () -> {
            if (state != State.ENDING) return;
            state = State.ENDED;
            PhoneAdmission.Seat s = seat;
            seat = null;
            if (s != null) s.leave();
            hangup.hangUp(reason);
        });
    }

    private void armTimer() {
        cancelTimer();
        long delay = Math.max(0, speakingUntil - thread.nowMillis()) + INPUT_TIMEOUT_MILLIS;
        inputTimer = thread.schedule(delay, this::onInputTimeout);
    }

    private void cancelTimer() {
        if (inputTimer != null) {
            inputTimer.cancel();
            inputTimer = null;
        }
    }

    private void onInputTimeout() {
        inputTimer = null;
        if (state != State.ENTERING_ID && state != State.CHOOSING_ROLE && state != State.ENTERING_PIN) return;
        timeouts++;
        if (state == State.ENTERING_ID) {
            if (timeouts >= MAX_TIMEOUTS) goodbye("no input");
            else askForId();
        } else {
            if (timeouts >= MAX_TIMEOUTS) admit(Role.INTERPRETER);
            else askForRole();
        }
    }

    private void append(char digit) {
        if (digitCount == MAX_DIGITS) {
            overflow = true;
            return;
        }
        digits[digitCount++] = digit;
    }

    private void clearDigits() {
        java.util.Arrays.fill(digits, '\0'); // do not keep a PIN around longer than needed
        digitCount = 0;
        overflow = false;
    }
}
