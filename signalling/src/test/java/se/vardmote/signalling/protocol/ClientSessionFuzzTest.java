package se.vardmote.signalling.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import se.vardmote.media.router.Router;
import se.vardmote.media.testkit.FakeTransport;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.token.TokenService;

/**
 * Arbitrary frames into a seated clinician's session in a lobby meeting where a patient waits: the
 * session parses and acts on untrusted JSON. Whatever arrives, {@code onMessage} never throws, the server
 * never reports an internal error, and every reply is a JSON object with a type. Seeds in
 * ClientSessionFuzzTestInputs/ ({@code PATIENT} and {@code CLINICIAN} stand for the seats' ids);
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ClientSessionFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultEventLoop LOOP = new DefaultEventLoop();
    private static final Participant CLINICIAN = new Participant("clinicianSeat0000000000", Role.CLINICIAN, "Dr X");
    private static final Participant PATIENT = new Participant("patientSeat000000000000", Role.PATIENT, "AB");
    private static final Meeting MEETING = new Meeting("fuzzMeeting00000000000", "123456782", "AB-82 Videobesök",
            MeetingKind.TWO_PARTY, true, Instant.parse("2026-12-01T08:00:00Z"), 30, List.of(CLINICIAN, PATIENT));
    private static final TokenService TOKENS;

    static {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        TOKENS = new TokenService(secret, Clock.systemUTC());
    }

    /** Collects replies; closing is allowed (endMeeting, removal of the last seat). */
    static final class Output implements SessionOutput {
        final List<String> sent = new ArrayList<>();

        @Override public void send(String json) { sent.add(json); }

        @Override public void close() { }
    }

    @FuzzTest
    void aJoinedClinicianSurvivesAnyMessage(FuzzedDataProvider data) throws Exception {
        String frame = data.consumeRemainingAsString()
                .replace("PATIENT", PATIENT.participantId())
                .replace("CLINICIAN", CLINICIAN.participantId());
        Rooms rooms = new Rooms(() -> new Router(LOOP, receiver -> new FakeTransport(LOOP, receiver)
                .connected(false).sent(FakeTransport.Sent.RELEASE)), 8);
        try {
            Output clinicianOut = new Output();
            // No meeting service is needed once seated: the session is handed its seat by the room directly.
            ClientSession clinician = new ClientSession(clinicianOut, rooms, null, TOKENS, SignallingConfig.defaults());
            rooms.join(MEETING, CLINICIAN, clinician);
            rooms.join(MEETING, PATIENT, new ClientSession(new Output(), rooms, null, TOKENS, SignallingConfig.defaults()));
            clinicianOut.sent.clear();

            clinician.onMessage(frame);

            for (String reply : clinicianOut.sent) {
                JsonNode node = JSON.readTree(reply);
                if (!node.path("type").isTextual()) throw new AssertionError("a reply without a type: " + reply);
                if ("internal_error".equals(node.path("code").asText())) throw new AssertionError("internal error on " + frame);
            }
        } finally {
            rooms.closeAll();
        }
    }
}
