package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.meeting.ConferenceId;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.Role;

class DialInIvrTest {

    static final String MASKED = "Telefon ••• 4567";
    static final String ID = ConferenceId.generate(new Random(7));
    /** Same digits with the check digit off by one: fails Luhn. */
    static final String TYPO = ID.substring(0, 8) + (char) ('0' + (ID.charAt(8) - '0' + 1) % 10);
    static final String OTHER = ConferenceId.generate(new Random(8));

    final ManualCallThread thread = new ManualCallThread();
    final FakeCallMedia media = new FakeCallMedia(40000);
    final FakeConferenceDirectory directory = new FakeConferenceDirectory();
    final FakePhoneAdmission admission = new FakePhoneAdmission();
    final FakeAuditSink audit = new FakeAuditSink();
    final List<String> hangups = new ArrayList<>();
    Meeting meeting;
    DialInIvr ivr;

    @BeforeEach
    void setUp() {
        meeting = directory.add(ID, true, true);
        ivr = ivr(PromptLanguage.SV);
    }

    DialInIvr ivr(PromptLanguage language) {
        return new DialInIvr(media, directory, admission, audit, thread, language, MASKED, hangups::add);
    }

    void type(String keys) {
        for (char c : keys.toCharArray()) media.press(c);
    }

    @Test
    void welcomesAndAsksForTheConferenceId() {
        ivr.startIvr();
        assertEquals(List.of("sv/welcome", "sv/enter-conference-id"), media.played());
        assertEquals(DialInIvr.State.ENTERING_ID, ivr.state());
    }

    @Test
    void rightIdThenHashJoinsAsInterpreter() {
        ivr.startIvr();
        type(ID + "#");
        assertEquals("sv/leader-or-hash", media.lastPlayed());
        assertEquals(DialInIvr.State.CHOOSING_ROLE, ivr.state());
        type("#");
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
        assertEquals(Role.INTERPRETER, admission.last().caller().role());
        assertEquals(MASKED, admission.last().caller().displayName());
        assertEquals(DialRoute.IVR, admission.last().caller().route());
        assertEquals(meeting, admission.last().caller().meeting());
        assertEquals(List.of("dial_in m-" + ID + " interpreter ivr " + MASKED), audit.events);
        assertTrue(hangups.isEmpty());
    }

    @Test
    void sipInfoDigitsDriveTheIvrLikeRtpDigits() {
        ivr.startIvr();
        for (char c : (ID + "##").toCharArray()) ivr.onDigit(c);
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
    }

    @Test
    void idFailingTheCheckDigitIsRefusedWithoutALookUp() {
        ivr.startIvr();
        type(TYPO + "#");
        assertEquals(0, directory.lookUps.get());
        assertEquals(List.of("sv/welcome", "sv/enter-conference-id", "sv/conference-id-invalid", "sv/enter-conference-id"),
                media.played());
        assertEquals(DialInIvr.State.ENTERING_ID, ivr.state());
    }

    @Test
    void unknownValidIdSoundsTheSameAsATypo() {
        ivr.startIvr();
        type(OTHER + "#");
        assertEquals(1, directory.lookUps.get());
        assertTrue(media.played().contains("sv/conference-id-invalid"));
        assertEquals(DialInIvr.State.ENTERING_ID, ivr.state());
    }

    @Test
    void meetingOutsideItsWindowIsNotOpen() {
        directory.add(OTHER, false, false);
        ivr.startIvr();
        type(OTHER + "#");
        assertTrue(media.played().contains("sv/meeting-not-open"));
        assertEquals(DialInIvr.State.ENTERING_ID, ivr.state());
        assertTrue(admission.callers.isEmpty());
    }

    @Test
    void threeWrongIdsSayGoodbyeAndEndTheCall() {
        ivr.startIvr();
        type(TYPO + "#");
        type(OTHER + "#");
        assertTrue(hangups.isEmpty());
        type("12#");
        assertEquals("sv/goodbye", media.lastPlayed());
        assertEquals(DialInIvr.State.ENDING, ivr.state());
        assertTrue(hangups.isEmpty(), "the goodbye is heard before the BYE");
        thread.advance(10 * FakeCallMedia.PROMPT_MILLIS);
        assertEquals(List.of("three wrong conference ids"), hangups);
        assertEquals(DialInIvr.State.ENDED, ivr.state());
        assertTrue(admission.callers.isEmpty());
    }

    @Test
    void rightIdAfterTwoWrongOnesStillWorks() {
        ivr.startIvr();
        type(TYPO + "#");
        type(OTHER + "#");
        type(ID + "##");
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
    }

    @Test
    void starRestartsTheIdEntry() {
        ivr.startIvr();
        type("99*" + ID + "#");
        assertEquals(DialInIvr.State.CHOOSING_ROLE, ivr.state());
    }

    @Test
    void tooManyDigitsAreAWrongEntryNotABiggerBuffer() {
        ivr.startIvr();
        type("1".repeat(100) + ID + "#");
        assertEquals(DialInIvr.State.ENTERING_ID, ivr.state());
        assertEquals(0, directory.lookUps.get());
    }

    @Test
    void rightLeaderPinJoinsAsClinician() {
        ivr.startIvr();
        type(ID + "#*" + FakeConferenceDirectory.PIN + "#");
        assertEquals(Role.CLINICIAN, admission.last().caller().role());
        assertEquals(List.of("dial_in m-" + ID + " clinician ivr " + MASKED), audit.events);
    }

    @Test
    void wrongThenRightLeaderPinJoinsAsClinicianAndAuditsTheFailure() {
        ivr.startIvr();
        type(ID + "#*1111#");
        assertEquals("sv/leader-or-hash", media.lastPlayed());
        assertTrue(media.played().contains("sv/pin-invalid"));
        assertEquals(DialInIvr.State.CHOOSING_ROLE, ivr.state());
        type("*" + FakeConferenceDirectory.PIN + "#");
        assertEquals(Role.CLINICIAN, ivr.role());
        assertEquals(List.of("pin_failed m-" + ID + " " + MASKED, "dial_in m-" + ID + " clinician ivr " + MASKED), audit.events);
    }

    @Test
    void threeWrongPinsContinueAsInterpreter() {
        ivr.startIvr();
        type(ID + "#*1#*2#");
        assertEquals(DialInIvr.State.CHOOSING_ROLE, ivr.state());
        type("*3#");
        assertEquals(Role.INTERPRETER, ivr.role());
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
        assertEquals(3, audit.events.stream().filter(e -> e.startsWith("pin_failed")).count());
        assertTrue(hangups.isEmpty());
    }

    @Test
    void emptyPinIsAWrongTryWithoutALookUp() {
        ivr.startIvr();
        type(ID + "#*#");
        assertEquals(0, directory.pinChecks.get());
        assertEquals(DialInIvr.State.CHOOSING_ROLE, ivr.state());
    }

    @Test
    void lockedPinEntrySaysSoAndContinuesAsInterpreter() {
        directory.locked = true;
        ivr.startIvr();
        type(ID + "#*" + FakeConferenceDirectory.PIN + "#");
        assertTrue(media.played().contains("sv/pin-locked"));
        assertEquals(Role.INTERPRETER, ivr.role());
    }

    @Test
    void silenceRepeatsTheQuestionAfterItHasBeenSpoken() {
        ivr.startIvr(); // two prompts: 2 s of speech
        media.clearPlayed();
        thread.advance(2 * FakeCallMedia.PROMPT_MILLIS + DialInIvr.INPUT_TIMEOUT_MILLIS - 1);
        assertTrue(media.played().isEmpty(), "the timeout counts from the end of the question");
        thread.advance(1);
        assertEquals(List.of("sv/enter-conference-id"), media.played());
    }

    @Test
    void threeSilentRoundsEndTheCall() {
        ivr.startIvr();
        thread.advance(60_000);
        assertEquals("sv/goodbye", media.lastPlayed());
        thread.advance(10_000);
        assertEquals(List.of("no input"), hangups);
    }

    @Test
    void aDigitResetsTheSilenceTimer() {
        ivr.startIvr();
        thread.advance(11_000);
        type("1");
        media.clearPlayed();
        thread.advance(DialInIvr.INPUT_TIMEOUT_MILLIS - 1);
        assertTrue(media.played().isEmpty());
    }

    @Test
    void silenceAtTheLeaderQuestionJoinsAsInterpreter() {
        ivr.startIvr();
        type(ID + "#");
        thread.advance(60_000);
        assertEquals(Role.INTERPRETER, ivr.role());
        assertTrue(hangups.isEmpty());
    }

    @Test
    void firstDigitInterruptsThePrompt() {
        ivr.startIvr();
        type("1");
        assertEquals(1, media.stops());
        type("2");
        assertEquals(1, media.stops(), "only while something is being said");
    }

    @Test
    void lobbyPlaysPleaseWaitAndALoopedToneUntilAdmitted() {
        admission.lobby = true;
        ivr.startIvr();
        type(ID + "##");
        assertEquals(DialInIvr.State.WAITING, ivr.state());
        List<String> played = media.played();
        assertEquals(List.of("sv/please-wait", "wait-tone"), played.subList(played.size() - 2, played.size()));
        assertTrue(media.looping());
        thread.advance(10 * 60_000);
        assertTrue(hangups.isEmpty(), "never hung up for waiting or silence");
        admission.last().listener().admitted();
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
        assertFalse(media.looping());
    }

    @Test
    void starSixInTheRoomTogglesMuteAndOtherKeysDoNothing() {
        ivr.startIvr();
        type(ID + "##");
        assertEquals(DialInIvr.State.ADMITTED, ivr.state());
        type("6*16*#6123");
        assertEquals(0, admission.muteToggles.get(), "only a 6 straight after a star counts");
        type("*6");
        assertEquals(1, admission.muteToggles.get());
        type("*6");
        assertEquals(2, admission.muteToggles.get());
        assertTrue(hangups.isEmpty());
    }

    @Test
    void aMuteFromTheRoomSilencesTheLegAndTellsTheCaller() {
        ivr.startIvr();
        type(ID + "##");
        admission.last().listener().muteChanged(true);
        assertTrue(media.muted, "the caller's voice must stop at the server, not on the phone");
        assertEquals("sv/muted", media.lastPlayed());
        admission.last().listener().muteChanged(false);
        assertFalse(media.muted);
        assertEquals("sv/unmuted", media.lastPlayed());
    }

    @Test
    void aMuteNoticeAfterHangUpIsIgnored() {
        ivr.startIvr();
        type(ID + "##");
        ivr.callerHungUp();
        int said = media.played().size();
        admission.last().listener().muteChanged(true);
        assertFalse(media.muted);
        assertEquals(said, media.played().size());
    }

    @Test
    void removalEndsTheCall() {
        admission.lobby = true;
        ivr.startIvr();
        type(ID + "##");
        admission.last().listener().removed("meeting ended");
        assertEquals(List.of("meeting ended"), hangups);
        assertEquals(DialInIvr.State.ENDED, ivr.state());
    }

    @Test
    void refusalSaysGoodbyeThenEndsTheCall() {
        admission.refuse = "room_full";
        ivr.startIvr();
        type(ID + "##");
        assertEquals("sv/goodbye", media.lastPlayed());
        thread.advance(5_000);
        assertEquals(List.of("room_full"), hangups);
    }

    @Test
    void callerHangingUpLeavesTheSeat() {
        ivr.startIvr();
        type(ID + "##");
        ivr.callerHungUp();
        assertEquals(1, admission.leaves.get());
        assertEquals(DialInIvr.State.ENDED, ivr.state());
        assertTrue(hangups.isEmpty());
    }

    @Test
    void callerHangingUpDuringTheIvrStopsItsTimers() {
        ivr.startIvr();
        ivr.callerHungUp();
        thread.advance(120_000);
        assertEquals(2, media.played().size());
        assertTrue(hangups.isEmpty());
    }

    @Test
    void englishCallerHearsEnglishPrompts() {
        ivr = ivr(PromptLanguage.EN);
        ivr.startIvr();
        type(TYPO + "#");
        assertEquals(List.of("en/welcome", "en/enter-conference-id", "en/conference-id-invalid", "en/enter-conference-id"),
                media.played());
    }

    @Test
    void directCallGoesStraightToAdmissionAsInterpreter() {
        ivr.startDirect(meeting, DialRoute.VIDEO_SYSTEM);
        assertEquals(Role.INTERPRETER, admission.last().caller().role());
        assertEquals(List.of("dial_in m-" + ID + " interpreter video-system " + MASKED), audit.events);
        assertTrue(media.played().isEmpty());
        type("#");
        assertEquals(1, admission.callers.size(), "digits after admission are ignored");
    }
}
