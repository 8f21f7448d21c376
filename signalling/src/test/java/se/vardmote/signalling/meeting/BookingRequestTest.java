package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BookingRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String EXAMPLE = """
            {"subject":"AB-82 Videobesök","kind":"two-party","lobby":true,
             "startsAt":"2026-12-01T09:00:00+01:00","durationMinutes":30,
             "participants":[{"role":"clinician","displayName":"Dr. Anna Lind"},
                             {"role":"patient","displayName":"Patient"}]}
            """;

    private static ObjectNode example() throws Exception {
        return (ObjectNode) JSON.readTree(EXAMPLE);
    }

    private static InvalidBookingException rejected(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode body = example();
        edit.accept(body);
        return assertThrows(InvalidBookingException.class, () -> BookingRequest.parse(body));
    }

    private static void assertRejectedField(String field, Consumer<ObjectNode> edit) throws Exception {
        InvalidBookingException e = rejected(edit);
        assertEquals(field, e.field(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void acceptsTheExampleBody() throws Exception {
        BookingRequest r = BookingRequest.parse(example());
        assertEquals("AB-82 Videobesök", r.subject());
        assertEquals(MeetingKind.TWO_PARTY, r.kind());
        assertTrue(r.lobby());
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), r.startsAt());
        assertEquals(30, r.durationMinutes());
        assertEquals(List.of(new BookingRequest.ParticipantRequest(Role.CLINICIAN, "Dr. Anna Lind"),
                new BookingRequest.ParticipantRequest(Role.PATIENT, "Patient")), r.participants());
    }

    @Test
    void acceptsTheExampleAsRawBytes() throws Exception {
        BookingRequest r = BookingRequest.parse(EXAMPLE.getBytes(StandardCharsets.UTF_8));
        assertEquals("AB-82 Videobesök", r.subject());
    }

    @Test
    void defaultsLobbyToTrueAndIgnoresUnknownFields() throws Exception {
        ObjectNode body = example();
        body.remove("lobby");
        body.put("externalReference", "X-1");
        ((ObjectNode) body.get("participants").get(0)).put("hsaId", "SE123");
        assertTrue(BookingRequest.parse(body).lobby());
        body.put("lobby", false);
        assertFalse(BookingRequest.parse(body).lobby());
    }

    @Test
    void trimsStringsAndAcceptsUtcStartWithZ() throws Exception {
        ObjectNode body = example();
        body.put("subject", "  Uppföljning  ");
        body.put("startsAt", "2026-12-01T08:00:00Z");
        ((ObjectNode) body.get("participants").get(1)).put("displayName", "\tKarin 👩‍⚕️ ");
        BookingRequest r = BookingRequest.parse(body);
        assertEquals("Uppföljning", r.subject());
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), r.startsAt());
        assertEquals("Karin 👩‍⚕️", r.participants().get(1).displayName());
    }

    @Test
    void acceptsAGroupVisitWithInterpreterAndGuardian() throws Exception {
        ObjectNode body = example();
        body.put("kind", "group");
        ArrayNode ps = (ArrayNode) body.get("participants");
        ps.addObject().put("role", "interpreter").put("displayName", "Tolk");
        ps.addObject().put("role", "guardian").put("displayName", "Förälder");
        BookingRequest r = BookingRequest.parse(body);
        assertEquals(MeetingKind.GROUP, r.kind());
        assertEquals(Role.GUARDIAN, r.participants().get(3).role());
    }

    @Test
    void rejectsMissingOrBadSubject() throws Exception {
        assertRejectedField("subject", b -> b.remove("subject"));
        assertRejectedField("subject", b -> b.put("subject", "   "));
        assertRejectedField("subject", b -> b.put("subject", 42));
        assertRejectedField("subject", b -> b.put("subject", "x".repeat(201)));
        assertRejectedField("subject", b -> b.put("subject", "rad ett\nrad två"));
        assertRejectedField("subject", b -> b.put("subject", "a\u202Eb"));
        assertRejectedField("subject", b -> b.put("subject", "a\uD800b"));
    }

    @Test
    void acceptsSubjectOfExactly200Characters() throws Exception {
        ObjectNode body = example();
        body.put("subject", "ö".repeat(200));
        assertEquals(200, BookingRequest.parse(body).subject().length());
    }

    @Test
    void rejectsUnknownKind() throws Exception {
        assertRejectedField("kind", b -> b.remove("kind"));
        assertRejectedField("kind", b -> b.put("kind", "three-party"));
        assertRejectedField("kind", b -> b.put("kind", true));
    }

    @Test
    void rejectsNonBooleanLobby() throws Exception {
        assertRejectedField("lobby", b -> b.put("lobby", "yes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01T09:00:00", "2026-12-01", "tomorrow", "2026-13-01T09:00:00Z", "1999-12-31T23:00:00Z",
            "+99999-01-01T00:00:00Z"})
    void rejectsStartsAtWithoutOffsetOrOutOfRange(String startsAt) throws Exception {
        assertRejectedField("startsAt", b -> b.put("startsAt", startsAt));
    }

    @Test
    void rejectsMissingStartsAt() throws Exception {
        assertRejectedField("startsAt", b -> b.remove("startsAt"));
        assertRejectedField("startsAt", b -> b.put("startsAt", 1764576000));
    }

    @Test
    void rejectsDurationOutsideFiveToFourHundredEightyMinutes() throws Exception {
        assertRejectedField("durationMinutes", b -> b.remove("durationMinutes"));
        assertRejectedField("durationMinutes", b -> b.put("durationMinutes", 4));
        assertRejectedField("durationMinutes", b -> b.put("durationMinutes", 481));
        assertRejectedField("durationMinutes", b -> b.put("durationMinutes", 30.5));
        assertRejectedField("durationMinutes", b -> b.put("durationMinutes", "30"));
        assertRejectedField("durationMinutes", b -> b.put("durationMinutes", 1L << 40));
    }

    @Test
    void aTwoPartyVisitRefusesAThirdParticipantWhoIsNotAnInterpreter() throws Exception {
        InvalidBookingException e = rejected(b -> ((ArrayNode) b.get("participants")).addObject()
                .put("role", "guardian").put("displayName", "Förälder"));
        assertEquals("participants", e.field());
        assertEquals("too_many_participants", e.code());
        assertTrue(e.getMessage().contains("group"), e.getMessage());
    }

    @Test
    void aTwoPartyVisitMayBookInterpretersBesideItsTwo() throws Exception {
        ObjectNode body = example();
        ArrayNode ps = (ArrayNode) body.get("participants");
        ps.addObject().put("role", "interpreter").put("displayName", "Tolk arabiska");
        ps.addObject().put("role", "interpreter").put("displayName", "Tolk teckenspråk");
        BookingRequest r = BookingRequest.parse(body);
        assertEquals(MeetingKind.TWO_PARTY, r.kind());
        assertEquals(4, r.participants().size());
    }

    @Test
    void rejectsEmptyOrOversizedParticipantList() throws Exception {
        assertRejectedField("participants", b -> b.remove("participants"));
        assertRejectedField("participants", b -> b.putArray("participants"));
        assertRejectedField("participants", b -> b.put("participants", "everyone"));
        assertRejectedField("participants", b -> {
            b.put("kind", "group");
            ArrayNode ps = b.putArray("participants");
            for (int i = 0; i < 21; i++) ps.addObject().put("role", "patient").put("displayName", "P" + i);
        });
    }

    @Test
    void namesTheParticipantWhoseFieldIsWrong() throws Exception {
        Consumer<ObjectNode> thirdSeat = b -> {
            b.put("kind", "group");
            ((ArrayNode) b.get("participants")).addObject().put("role", "doctor").put("displayName", "X");
        };
        assertRejectedField("participants[2].role", thirdSeat);
        assertRejectedField("participants[1].role", b -> ((ObjectNode) b.get("participants").get(1)).remove("role"));
        assertRejectedField("participants[0].displayName",
                b -> ((ObjectNode) b.get("participants").get(0)).put("displayName", ""));
        assertRejectedField("participants[0].displayName",
                b -> ((ObjectNode) b.get("participants").get(0)).put("displayName", "x".repeat(101)));
        assertRejectedField("participants[1].displayName",
                b -> ((ObjectNode) b.get("participants").get(1)).put("displayName", "bell\u0007"));
        assertRejectedField("participants[1]", b -> ((ArrayNode) b.get("participants")).set(1, JSON.getNodeFactory().textNode("x")));
    }

    @Test
    void reportsTheFirstOffendingFieldInDocumentOrder() throws Exception {
        InvalidBookingException e = rejected(b -> {
            b.remove("subject");
            b.put("durationMinutes", 0);
        });
        assertEquals("subject", e.field());
    }

    @Test
    void rejectsNonObjectBodies() throws Exception {
        for (String text : new String[] {"[]", "null", "\"booking\"", "42"}) {
            JsonNode node = JSON.readTree(text);
            assertEquals("body", assertThrows(InvalidBookingException.class, () -> BookingRequest.parse(node)).field());
        }
        assertEquals("body", assertThrows(InvalidBookingException.class,
                () -> BookingRequest.parse((JsonNode) null)).field());
    }

    @Test
    void rejectsMalformedOrOversizedRawBodiesWithoutQuotingThem() {
        InvalidBookingException bad = assertThrows(InvalidBookingException.class,
                () -> BookingRequest.parse("{\"subject\": secret-token".getBytes(StandardCharsets.UTF_8)));
        assertEquals("body", bad.field());
        assertFalse(bad.getMessage().contains("secret-token"));
        byte[] huge = ("{\"subject\":\"" + "a".repeat(BookingRequest.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("body", assertThrows(InvalidBookingException.class, () -> BookingRequest.parse(huge)).field());
        byte[] deep = "[".repeat(100).getBytes(StandardCharsets.UTF_8);
        assertEquals("body", assertThrows(InvalidBookingException.class, () -> BookingRequest.parse(deep)).field());
        assertEquals("body", assertThrows(InvalidBookingException.class,
                () -> BookingRequest.parse("{} {}".getBytes(StandardCharsets.UTF_8))).field());
        byte[] twice = EXAMPLE.replace("\"kind\":\"two-party\"", "\"kind\":\"two-party\",\"kind\":\"group\"")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("body", assertThrows(InvalidBookingException.class, () -> BookingRequest.parse(twice)).field());
    }
}
