package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ApiKey;
import se.vardmote.server.HttpPipeline;
import se.vardmote.signalling.meeting.AuditAction;
import se.vardmote.signalling.meeting.AuditLog;
import se.vardmote.signalling.meeting.MeetingRules;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * The booking API end to end on the real meeting service and an H2 database, through the server's HTTP
 * pipeline on an {@link EmbeddedChannel}; store calls run inline.
 */
class BookingApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-api-key-0123456789";
    private static final Instant NOW = Instant.parse("2030-01-01T09:00:00Z");
    private static final String BOOKING = """
            {"subject":"IK-82 Videobesök","kind":"two-party","startsAt":"2030-01-01T10:00:00+01:00",
             "durationMinutes":30,"participants":[{"role":"clinician","displayName":"Dr Lind"},
             {"role":"patient","displayName":"IK"}]}""";

    @TempDir
    Path dataDir;
    private Database db;
    private final TestClock clock = new TestClock(NOW);
    private EmbeddedChannel channel;
    private AuditLog audit;

    @BeforeEach
    void start() throws Exception {
        db = Database.open(Database.defaultUrl(dataDir), "sa", "");
        audit = new AuditLog(db, clock);
        MeetingService meetings = new MeetingService(db, TokenService.fromDataDirectory(dataDir, clock),
                "https://vard.example.se", clock, audit, MeetingRules.defaults());
        RequestRouter router = new RequestRouter(
                new MeetingApi(ApiKey.resolve(KEY, Path.of("unused")), Bookings.of(meetings), Runnable::run),
                StaticFiles.fromClassPath(), () -> "", () -> true, new Capabilities(false, 8, 20));
        channel = new EmbeddedChannel();
        new HttpPipeline(router, out -> {
            throw new AssertionError("no WebSocket expected");
        }).configure(channel.pipeline());
    }

    @AfterEach
    void stop() {
        channel.finishAndReleaseAll();
        db.close();
    }

    /** A response, read fully and released. */
    private record Answer(int status, String contentType, String body, String location, String allow) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    private Answer call(String method, String target, String body, boolean withKey) {
        return call(method, target, body, withKey ? KEY : null, "application/json");
    }

    private Answer call(String method, String target, String body, String key, String contentType) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + (body == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + bytes.length + "\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
        channel.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), bytes));
        channel.runPendingTasks();
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) decoder.writeInbound(buf);
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        for (Object in; (in = decoder.readInbound()) != null; ) responses.add((FullHttpResponse) in);
        decoder.finishAndReleaseAll();
        assertEquals(1, responses.size(), method + " " + target);
        FullHttpResponse r = responses.get(0);
        try {
            return new Answer(r.status().code(), r.headers().get("Content-Type"),
                    r.content().toString(StandardCharsets.UTF_8), r.headers().get("Location"), r.headers().get("Allow"));
        } finally {
            r.release();
        }
    }

    private JsonNode book() {
        Answer a = call("POST", "/api/meetings", BOOKING, true);
        assertEquals(201, a.status(), a.body());
        return a.json();
    }

    private static void assertProblem(Answer a, int status, String error, String field) {
        assertEquals(status, a.status(), a.body());
        assertEquals("application/problem+json", a.contentType());
        JsonNode p = a.json();
        assertEquals("urn:vardmote:problem:" + error, p.get("type").asText());
        assertEquals(status, p.get("status").asInt());
        assertFalse(p.get("title").asText().isEmpty());
        assertFalse(p.get("detail").asText().isEmpty());
        assertEquals(error, p.get("error").asText(), "the first release's member");
        assertEquals(p.get("detail").asText(), p.get("message").asText());
        if (field == null) assertNull(p.get("field"));
        else assertEquals(field, p.get("field").asText());
    }

    @Test
    void bookingAnswersTheOldShapePlusStatusAndALeaderPinThatNoReadShows() {
        JsonNode booked = book();
        for (String f : new String[] {"meetingId", "conferenceId", "subject", "kind", "lobby", "startsAt",
                "durationMinutes", "participants"}) {
            assertNotNull(booked.get(f), f);
        }
        assertEquals("booked", booked.get("status").asText());
        String pin = booked.get("leaderPin").asText();
        assertTrue(pin.matches("[0-9]{6}"), pin);
        Answer read = call("GET", "/api/meetings/" + booked.get("meetingId").asText(), null, true);
        assertEquals(200, read.status());
        assertNull(read.json().get("leaderPin"));
        assertFalse(read.body().contains(pin));
    }

    @Test
    void everyEndpointWantsTheApiKey() {
        String id = book().get("meetingId").asText();
        String[][] calls = {{"GET", "/api/meetings?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z"},
                {"PATCH", "/api/meetings/" + id}, {"DELETE", "/api/meetings/" + id},
                {"POST", "/api/meetings/" + id + "/participants"}, {"DELETE", "/api/meetings/" + id + "/participants/x"},
                {"GET", "/api/meetings/" + id + "/audit"}, {"GET", "/api/meetings/" + id + "/record"}};
        for (String[] c : calls) {
            Answer a = call(c[0], c[1], c[0].equals("GET") || c[0].equals("DELETE") ? null : "{}", null, "application/json");
            assertProblem(a, 401, "unauthorized", null);
            Answer wrong = call(c[0], c[1], null, KEY + "x", "application/json");
            assertEquals(401, wrong.status(), c[0] + " " + c[1]);
        }
        assertEquals("booked", call("GET", "/api/meetings/" + id, null, true).json().get("status").asText(),
                "nothing changed");
    }

    @Test
    void unknownMeetingsAreNotFoundOnEveryEndpoint() {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";
        assertProblem(call("GET", "/api/meetings/" + unknown, null, true), 404, "not_found", null);
        assertProblem(call("PATCH", "/api/meetings/" + unknown, "{\"subject\":\"X\"}", true), 404, "not_found", null);
        assertProblem(call("DELETE", "/api/meetings/" + unknown, null, true), 404, "not_found", null);
        assertProblem(call("POST", "/api/meetings/" + unknown + "/participants",
                "{\"role\":\"guardian\",\"displayName\":\"G\"}", true), 404, "not_found", null);
        assertProblem(call("DELETE", "/api/meetings/" + unknown + "/participants/" + unknown, null, true), 404,
                "not_found", null);
        assertProblem(call("GET", "/api/meetings/" + unknown + "/audit", null, true), 404, "not_found", null);
        assertProblem(call("GET", "/api/meetings/" + unknown + "/record", null, true), 404, "not_found", null);
        assertProblem(call("GET", "/api/meetings/" + unknown + "/other", null, true), 404, "not_found", null);
        String id = book().get("meetingId").asText();
        assertProblem(call("DELETE", "/api/meetings/" + id + "/participants/" + unknown, null, true), 404,
                "not_found", null);
    }

    @Test
    void patchReschedulesAndChangesSubjectAndIsAudited() {
        String id = book().get("meetingId").asText();
        Answer a = call("PATCH", "/api/meetings/" + id,
                "{\"startsAt\":\"2030-01-02T14:00:00+01:00\",\"durationMinutes\":45,\"subject\":\"IK-82 Uppföljning\"}", true);
        assertEquals(200, a.status(), a.body());
        assertEquals("2030-01-02T13:00:00Z", a.json().get("startsAt").asText());
        assertEquals(45, a.json().get("durationMinutes").asInt());
        assertEquals("IK-82 Uppföljning", a.json().get("subject").asText());
        assertTrue(a.json().get("participants").get(0).get("joinUrl").asText().contains("/join#"));
        Answer merge = call("PATCH", "/api/meetings/" + id, "{\"lobby\":false}", KEY, "application/merge-patch+json");
        assertEquals(200, merge.status(), merge.body());
        assertFalse(merge.json().get("lobby").asBoolean());
        JsonNode events = call("GET", "/api/meetings/" + id + "/audit", null, true).json();
        assertEquals("rescheduled", events.get(1).get("action").asText());
        assertEquals("updated", events.get(2).get("action").asText());
    }

    @Test
    void fieldErrorsAreProblemsNamingTheField() {
        String id = book().get("meetingId").asText();
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"durationMinutes\":4}", true), 400, "invalid_field",
                "durationMinutes");
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"kind\":\"group\"}", true), 400, "invalid_field", "kind");
        assertProblem(call("PATCH", "/api/meetings/" + id, "{}", true), 400, "invalid_field", "body");
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"subject\":", true), 400, "invalid_json", null);
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"subject\":\"x\"}", KEY, "text/plain"), 415,
                "unsupported_media_type", null);
        assertProblem(call("POST", "/api/meetings/" + id + "/participants", "{\"role\":\"nurse\",\"displayName\":\"N\"}",
                true), 400, "invalid_field", "role");
        assertProblem(call("POST", "/api/meetings", BOOKING.replace("\"two-party\"", "\"trio\""), true), 400,
                "invalid_field", "kind");
        assertProblem(call("POST", "/api/meetings", BOOKING.replace("{\"role\":\"patient\"",
                "{\"role\":\"guardian\",\"displayName\":\"G\"},{\"role\":\"patient\""), true), 422,
                "too_many_participants", "participants");
        Answer put = call("PUT", "/api/meetings/" + id, "{}", true);
        assertProblem(put, 405, "method_not_allowed", null);
        assertEquals("GET, PATCH, DELETE", put.allow());
    }

    @Test
    void personalIdentityNumbersCoordinationNumbersAndEmailsAre422() {
        String[][] cases = {
                {"POST", "/api/meetings", BOOKING.replace("IK-82 Videobesök", "Besök 19811218-9876"), "subject"},
                {"POST", "/api/meetings", BOOKING.replace("IK-82 Videobesök", "811278-9873"), "subject"},
                {"POST", "/api/meetings", BOOKING.replace("\"IK\"", "\"ik@region.se\""), "participants[1].displayName"},
        };
        for (String[] c : cases) {
            Answer a = call(c[0], c[1], c[2], true);
            assertProblem(a, 422, "sensitive_data", c[3]);
            assertFalse(a.body().contains("9876") || a.body().contains("9873") || a.body().contains("ik@region"),
                    "never echoed: " + a.body());
        }
        assertTrue(call("GET", "/api/meetings?from=2029-12-31T00:00:00Z&to=2030-12-01T00:00:00Z", null, true)
                .json().get("meetings").isEmpty(), "nothing was booked");
        String id = book().get("meetingId").asText();
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"subject\":\"8112189876\"}", true), 422,
                "sensitive_data", "subject");
        assertProblem(call("POST", "/api/meetings/" + id + "/participants",
                "{\"role\":\"guardian\",\"displayName\":\"anna.lind@example.se\"}", true), 422, "sensitive_data",
                "displayName");
    }

    @Test
    void cancelledMeetingsRefuseChangesWith409() {
        String id = book().get("meetingId").asText();
        Answer cancelled = call("DELETE", "/api/meetings/" + id, null, true);
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().get("status").asText());
        assertNull(cancelled.json().get("participants").get(0).get("joinUrl"), "no links for a cancelled visit");
        assertEquals("cancelled", call("GET", "/api/meetings/" + id, null, true).json().get("status").asText());
        assertProblem(call("PATCH", "/api/meetings/" + id, "{\"subject\":\"X\"}", true), 409, "meeting_cancelled", null);
        assertProblem(call("DELETE", "/api/meetings/" + id, null, true), 409, "meeting_cancelled", null);
        assertProblem(call("POST", "/api/meetings/" + id + "/participants",
                "{\"role\":\"guardian\",\"displayName\":\"G\"}", true), 409, "meeting_cancelled", null);
    }

    @Test
    void endedMeetingsRefuseChangesWith409() {
        JsonNode m = book();
        clock.now = Instant.parse(m.get("startsAt").asText()).plus(Duration.ofMinutes(30 + 60));
        assertProblem(call("PATCH", "/api/meetings/" + m.get("meetingId").asText(), "{\"durationMinutes\":60}", true),
                409, "meeting_ended", null);
    }

    @Test
    void seatsAreAddedWithAJoinLinkAndRemoved() {
        String id = book().get("meetingId").asText();
        Answer added = call("POST", "/api/meetings/" + id + "/participants",
                "{\"role\":\"interpreter\",\"displayName\":\"Tolk\"}", true);
        assertEquals(201, added.status(), added.body());
        String pid = added.json().get("participantId").asText();
        assertEquals("interpreter", added.json().get("role").asText());
        assertTrue(added.json().get("joinUrl").asText().startsWith("https://vard.example.se/join#"));
        assertEquals("/api/meetings/" + id + "/participants/" + pid, added.location());
        assertEquals(3, call("GET", "/api/meetings/" + id, null, true).json().get("participants").size());

        Answer removed = call("DELETE", "/api/meetings/" + id + "/participants/" + pid, null, true);
        assertEquals(204, removed.status());
        assertEquals(2, call("GET", "/api/meetings/" + id, null, true).json().get("participants").size());
        assertProblem(call("DELETE", "/api/meetings/" + id + "/participants/" + pid, null, true), 404, "not_found", null);
    }

    @Test
    void listPagesByStartTimeWithABoundedPageSize() {
        Set<String> booked = new HashSet<>();
        for (int i = 0; i < 3; i++) booked.add(book().get("meetingId").asText());
        Set<String> seen = new HashSet<>();
        String query = "/api/meetings?from=2030-01-01T00:00:00%2B01:00&to=2030-01-02T00:00:00Z&limit=2";
        Answer first = call("GET", query, null, true);
        assertEquals(200, first.status(), first.body());
        assertEquals(2, first.json().get("meetings").size());
        first.json().get("meetings").forEach(m -> seen.add(m.get("meetingId").asText()));
        assertNull(first.json().get("meetings").get(0).get("participants").get(0).get("joinUrl"));
        String cursor = first.json().get("nextCursor").asText();
        Answer second = call("GET", query + "&cursor=" + cursor, null, true);
        second.json().get("meetings").forEach(m -> seen.add(m.get("meetingId").asText()));
        assertTrue(second.json().get("nextCursor").isNull());
        assertEquals(booked, seen);
        // An unencoded + in the offset arrives as a space and is still understood.
        assertEquals(200, call("GET", "/api/meetings?from=2030-01-01T00:00:00+01:00&to=2030-01-02T00:00:00Z",
                null, true).status());

        assertProblem(call("GET", "/api/meetings?to=2030-01-02T00:00:00Z", null, true), 400, "invalid_field", "from");
        assertProblem(call("GET", query.replace("limit=2", "limit=101"), null, true), 400, "invalid_field", "limit");
        assertProblem(call("GET", query + "&cursor=%21%21", null, true), 400, "invalid_field", "cursor");
        assertProblem(call("GET", query + "&limit=3", null, true), 400, "invalid_field", "limit");
        assertProblem(call("GET", query + "&status=x", null, true), 400, "invalid_field", "query");
        assertProblem(call("GET", "/api/meetings?from=2030-01-01T00:00:00Z&to=2032-01-02T00:00:00Z", null, true),
                400, "invalid_field", "to");
    }

    @Test
    void auditListsBookingEventsWithoutNamesOrPin() {
        JsonNode m = book();
        String id = m.get("meetingId").asText();
        call("POST", "/api/meetings/" + id + "/participants", "{\"role\":\"interpreter\",\"displayName\":\"Tolk\"}", true);
        call("PATCH", "/api/meetings/" + id, "{\"durationMinutes\":40}", true);
        call("DELETE", "/api/meetings/" + id, null, true);
        Answer a = call("GET", "/api/meetings/" + id + "/audit", null, true);
        assertEquals(200, a.status());
        List<String> actions = new ArrayList<>();
        a.json().forEach(e -> actions.add(e.get("action").asText()));
        assertEquals(List.of("booked", "participant_added", "rescheduled", "cancelled"), actions);
        JsonNode added = a.json().get(1);
        assertEquals("interpreter", added.get("role").asText());
        assertFalse(added.get("participantId").isNull());
        assertTrue(added.has("at") && added.has("detail"));
        assertFalse(a.body().contains("Tolk") || a.body().contains("Dr Lind")
                || a.body().contains(m.get("leaderPin").asText()));
    }

    @Test
    void visitRecordIsComputedFromTheAuditLog() {
        JsonNode m = book();
        String id = m.get("meetingId").asText();
        String doc = m.get("participants").get(0).get("participantId").asText();
        String pat = m.get("participants").get(1).get("participantId").asText();
        clock.now = Instant.parse("2030-01-01T08:58:00Z");
        audit.record(id, doc, Role.CLINICIAN, AuditAction.JOINED, "video");
        clock.now = Instant.parse("2030-01-01T09:01:00Z");
        audit.record(id, pat, Role.PATIENT, AuditAction.JOINED, "audio");
        audit.record(id, pat, Role.PATIENT, AuditAction.IDENTITY_VERIFIED, "id-document");
        clock.now = Instant.parse("2030-01-01T09:25:00Z");
        audit.record(id, doc, Role.CLINICIAN, AuditAction.ENDED, null);
        Answer a = call("GET", "/api/meetings/" + id + "/record", null, true);
        assertEquals(200, a.status(), a.body());
        JsonNode r = a.json();
        assertEquals("2030-01-01T08:58:00Z", r.get("actualStart").asText());
        assertEquals("2030-01-01T09:25:00Z", r.get("actualEnd").asText());
        assertEquals(27, r.get("durationMinutes").asInt());
        assertFalse(r.get("interpreterTookPart").asBoolean());
        JsonNode patient = r.get("participants").get(1);
        assertEquals("patient", patient.get("role").asText());
        assertEquals("audio", patient.get("joinedVia").get(0).asText());
        assertEquals("id-document", patient.get("identityVerified").get("method").asText());
        assertEquals("2030-01-01T09:25:00Z", patient.get("intervals").get(0).get("leftAt").asText());
    }

    @Test
    void capabilitiesNeedNoKeyAndDenyRecordingAndChat() {
        Answer a = call("GET", "/api/capabilities", null, false);
        assertEquals(200, a.status());
        JsonNode c = a.json();
        assertFalse(c.get("recording").asBoolean());
        assertFalse(c.get("chat").asBoolean());
        assertFalse(c.get("fileSharing").asBoolean());
        assertFalse(c.get("dataChannels").asBoolean());
        assertFalse(c.get("dialIn").asBoolean());
        assertTrue(c.get("lobby").asBoolean());
        assertEquals(8, c.get("maxGroupParticipants").asInt());
        assertEquals("[\"clinician\",\"patient\",\"interpreter\",\"guardian\"]", c.get("roles").toString());
        assertEquals("[\"two-party\",\"group\"]", c.get("meetingKinds").toString());
        assertTrue(new Capabilities(true, 6, 20).toJson().get("dialIn").asBoolean());
    }

    /** A clock the test sets. */
    private static final class TestClock extends Clock {
        volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
