package se.vardmote.signalling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.media.testkit.FakeTransport;
import se.vardmote.signalling.sdp.OfferedTrack;

/** The live rooms on a real router whose transports never touch the network, with a clock moved by hand. */
class RoomsTest {
    private static final Instant START = Instant.parse("2030-01-01T09:00:00Z");
    private static final Participant CLINICIAN = new Participant("c", Role.CLINICIAN, "Dr A");
    private static final Participant PATIENT = new Participant("p", Role.PATIENT, "P B");

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final HandClock clock = new HandClock(START);
    private Rooms rooms;

    @AfterEach
    void stop() {
        if (rooms != null) rooms.closeAll();
        loop.shutdownGracefully();
    }

    /** Rooms whose join window and memory use {@code grace}, as the server's configuration gives both. */
    private Rooms rooms(Duration grace) {
        JoinWindow window = (m, now) -> !now.isBefore(m.startsAt().minus(Duration.ofMinutes(10)))
                && now.isBefore(m.endsAt().plus(grace));
        rooms = new Rooms(() -> new Router(loop, receiver -> new FakeTransport(loop, receiver).connected(false).sent(FakeTransport.Sent.RELEASE)), 8, window, grace,
                AuditSink.NONE, clock);
        return rooms;
    }

    private static Meeting twoParty(Participant... participants) {
        return new Meeting("m1", "123456789", "AB-82", MeetingKind.TWO_PARTY, false, START, 30, List.of(participants));
    }

    @Test
    void anEndedMeetingStaysEndedForTheConfiguredGraceNotTheDefault() throws Exception {
        Rooms rooms = rooms(Duration.ofMinutes(120));
        Meeting meeting = twoParty(CLINICIAN, PATIENT);
        clock.now = START.plus(Duration.ofMinutes(5));
        RoomMember clinician = rooms.join(meeting, CLINICIAN, new Recorder());
        rooms.endMeeting(clinician);

        clock.now = meeting.endsAt().plus(Duration.ofMinutes(90)); // past the default 60, inside the configured 120
        JoinRefused refused = assertThrows(JoinRefused.class, () -> rooms.join(meeting, PATIENT, new Recorder()));
        assertEquals("meeting_ended", refused.code());
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void interpretersByPhoneOrBrowserJoinATwoPartyVisitBeyondItsTwo() throws Exception {
        Rooms rooms = rooms(Duration.ofMinutes(60));
        Participant phoneInterpreter = new Participant("i1", Role.INTERPRETER, "Tolk");
        Participant videoInterpreter = new Participant("i2", Role.INTERPRETER, "Tolk 2");
        Meeting meeting = twoParty(CLINICIAN, PATIENT, phoneInterpreter, videoInterpreter);
        clock.now = START;
        rooms.join(meeting, CLINICIAN, new Recorder());
        rooms.join(meeting, PATIENT, new Recorder());
        rooms.join(meeting, phoneInterpreter, JoinedVia.PHONE, new Recorder());
        rooms.join(meeting, videoInterpreter, JoinedVia.VIDEO, new Recorder());
        assertEquals(4, rooms.participantCount());
    }

    @Test
    void aClinicianAdmitsAnInterpreterIntoAFullTwoPartyVisit() throws Exception {
        Rooms rooms = rooms(Duration.ofMinutes(60));
        Participant interpreter = new Participant("i", Role.INTERPRETER, "Tolk");
        Meeting meeting = new Meeting("m1", "123456789", "AB-82", MeetingKind.TWO_PARTY, true, START, 30,
                List.of(CLINICIAN, PATIENT, interpreter));
        clock.now = START;
        RoomMember clinician = rooms.join(meeting, CLINICIAN, new Recorder());
        rooms.join(meeting, PATIENT, new Recorder());
        clinician.room().admit(clinician, PATIENT.participantId());
        rooms.join(meeting, interpreter, JoinedVia.PHONE, new Recorder());
        clinician.room().admit(clinician, interpreter.participantId());
        assertEquals(3, rooms.participantCount());
        assertEquals(0, rooms.waitingCount());
    }

    @Test
    void aThirdParticipantWhoIsNotAnInterpreterMeetsRoomFull() throws Exception {
        // Bookings refuse such a seat now; a meeting stored before that may still hold one.
        Rooms rooms = rooms(Duration.ofMinutes(60));
        Participant guardian = new Participant("g", Role.GUARDIAN, "Förälder");
        Meeting meeting = twoParty(CLINICIAN, PATIENT, guardian);
        clock.now = START;
        rooms.join(meeting, CLINICIAN, new Recorder());
        rooms.join(meeting, PATIENT, new Recorder());
        JoinRefused refused = assertThrows(JoinRefused.class,
                () -> rooms.join(meeting, guardian, JoinedVia.PHONE, new Recorder()));
        assertEquals("room_full", refused.code());
        assertEquals(2, rooms.participantCount());
    }

    /** Records nothing it does not need; a member that is never told anything is fine here. */
    static final class Recorder implements MemberListener {
        @Override public void joined(RoomMember self, List<MemberInfo> others) { }
        @Override public void waiting(RoomMember self) { }
        @Override public void participantJoined(MemberInfo participant) { }
        @Override public void participantLeft(String participantId) { }
        @Override public void participantUpdated(MemberInfo participant) { }
        @Override public void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks) { }
        @Override public void replaced() { }
        @Override public void dismissed(String code, String message) { }
        @Override public void meetingEnded(String reason) { }
    }

    /** A clock the test sets. Single-threaded use. */
    static final class HandClock extends Clock {
        Instant now;

        HandClock(Instant now) {
            this.now = now;
        }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }
}
