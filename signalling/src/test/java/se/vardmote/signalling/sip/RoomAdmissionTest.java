package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.protocol.LiveRoomsFixture;
import se.vardmote.signalling.room.AuditSink;
import se.vardmote.signalling.room.JoinWindow;
import se.vardmote.signalling.room.JoinedVia;
import se.vardmote.signalling.room.MemberInfo;
import se.vardmote.signalling.room.MemberListener;
import se.vardmote.signalling.room.RoomMember;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.sdp.OfferedTrack;

class RoomAdmissionTest {
    @TempDir
    Path dir;
    private LiveRoomsFixture live;
    private Rooms rooms;

    @BeforeEach
    void setUp() throws Exception {
        live = new LiveRoomsFixture(dir, JoinWindow.ALWAYS, AuditSink.NONE);
        rooms = live.rooms;
    }

    @AfterEach
    void tearDown() {
        live.close();
    }

    private Meeting book(boolean lobby) throws Exception {
        live.book("group", lobby, "clinician", "patient");
        return live.lastBooked;
    }

    /** What the SIP layer hears. */
    static final class Heard implements PhoneAdmission.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();
        @Override public void waiting() { events.add("waiting"); }
        @Override public void admitted() { events.add("admitted"); }
        @Override public void removed(String reason) { events.add("removed:" + reason); }
        @Override public void refused(String reason) { events.add("refused:" + reason); }
        @Override public void muteChanged(boolean muted) { events.add(muted ? "muted" : "unmuted"); }
    }

    /** A browser in the room that only records what it is told. */
    static final class Browser implements MemberListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile RoomMember self;
        volatile MemberInfo lastJoined;
        @Override public void joined(RoomMember self, List<MemberInfo> others) { this.self = self; events.add("joined"); }
        @Override public void waiting(RoomMember self) { events.add("waiting"); }
        @Override public void participantJoined(MemberInfo p) { lastJoined = p; events.add("participantJoined:" + p.displayName() + ":" + p.role().wireName()); }
        @Override public void participantLeft(String id) { events.add("participantLeft"); }
        @Override public void participantUpdated(MemberInfo p) { events.add("participantUpdated:" + (p.audioMuted() ? "muted" : "unmuted")); }
        @Override public void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks) { events.add("subscribeOffer"); }
        @Override public void replaced() { }
        @Override public void dismissed(String code, String message) { events.add("dismissed:" + code); }
        @Override public void meetingEnded(String reason) { events.add("ended"); }
    }

    private PhoneAdmission.PhoneCaller caller(Meeting meeting, Role role) {
        return new PhoneAdmission.PhoneCaller(meeting, role, "Telefon ••• 1234", DialRoute.IVR, new FakeCallMedia(40000));
    }

    @Test
    void anInterpreterByPhoneWaitsInTheLobbyUntilTheClinicianAdmitsIt() throws Exception {
        Meeting meeting = book(true);
        Browser clinician = new Browser();
        rooms.join(meeting, meeting.participants().get(0), clinician);
        Heard heard = new Heard();
        new RoomAdmission(rooms).admit(caller(meeting, Role.INTERPRETER), heard);
        assertEquals(List.of("waiting"), heard.events);
        String phoneId = clinician.self.room().lobby().get(0).participantId();
        assertTrue(phoneId.startsWith("phone-"));
        assertEquals(JoinedVia.PHONE, clinician.self.room().lobby().get(0).joinedVia());
        clinician.self.room().admit(clinician.self, phoneId);
        assertEquals(List.of("waiting", "admitted"), heard.events);
        assertTrue(clinician.events.contains("participantJoined:Telefon ••• 1234:interpreter"), clinician.events.toString());
        assertEquals(2, rooms.participantCount());
    }

    @Test
    void aCallerWithTheLeaderPinSkipsTheLobbyAndLeavesWhenItHangsUp() throws Exception {
        Meeting meeting = book(true);
        Heard heard = new Heard();
        PhoneAdmission.Seat seat = new RoomAdmission(rooms).admit(caller(meeting, Role.CLINICIAN), heard);
        assertEquals(List.of("admitted"), heard.events);
        assertEquals(1, rooms.participantCount());
        seat.leave();
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void endingTheMeetingHangsUpOnTheCaller() throws Exception {
        Meeting meeting = book(false);
        Browser clinician = new Browser();
        rooms.join(meeting, meeting.participants().get(0), clinician);
        Heard heard = new Heard();
        new RoomAdmission(rooms).admit(caller(meeting, Role.INTERPRETER), heard);
        rooms.endMeeting(clinician.self);
        assertEquals("removed:ended", heard.events.get(heard.events.size() - 1));
    }

    @Test
    void aClinicianMutingAPhoneCallerSilencesItOnTheServerAndItsStarSixUnmutes() throws Exception {
        Meeting meeting = book(false);
        Browser clinician = new Browser();
        rooms.join(meeting, meeting.participants().get(0), clinician);
        Heard heard = new Heard();
        PhoneAdmission.Seat seat = new RoomAdmission(rooms).admit(caller(meeting, Role.INTERPRETER), heard);
        String phoneId = clinician.lastJoined.participantId();

        clinician.self.room().muteParticipant(clinician.self, phoneId);
        assertEquals("muted", heard.events.get(heard.events.size() - 1), "a phone has no button: the SIP layer must silence it");
        assertTrue(clinician.events.contains("participantUpdated:muted"), clinician.events.toString());

        seat.toggleMute();
        assertEquals("unmuted", heard.events.get(heard.events.size() - 1));
        assertEquals("participantUpdated:unmuted", clinician.events.get(clinician.events.size() - 1));
        seat.toggleMute();
        assertEquals("muted", heard.events.get(heard.events.size() - 1));
        assertEquals("participantUpdated:muted", clinician.events.get(clinician.events.size() - 1));
    }
}
