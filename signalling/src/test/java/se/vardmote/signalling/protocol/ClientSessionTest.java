package se.vardmote.signalling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

class ClientSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Database database;
    private MeetingService meetings;
    private TokenService tokens;
    private Rooms rooms;
    private DefaultEventLoop loop;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.open(Database.defaultUrl(dir), "", "");
        tokens = TokenService.fromDataDirectory(dir, Clock.systemUTC());
        meetings = new MeetingService(database, tokens, "http://127.0.0.1:8080", Clock.systemUTC());
        loop = new DefaultEventLoop();
        rooms = new Rooms(() -> new Router(loop, receiver -> new FakeTransport(loop, receiver)), 8);
    }

    @AfterEach
    void tearDown() {
        rooms.closeAll();
        loop.shutdownGracefully();
        database.close();
    }

    /** A client connection: what the server sent it, and whether the server closed it. */
    final class Client implements SessionOutput {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        final ClientSession session = new ClientSession(this, rooms, meetings, tokens, SignallingConfig.defaults());

        @Override public void send(String json) {
            try {
                received.add(JSON.readTree(json));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override public void close() { closed = true; }

        void send(ObjectNode message) { session.onMessage(message.toString()); }

        JsonNode last(String type) {
            for (int i = received.size() - 1; i >= 0; i--) if (type.equals(received.get(i).path("type").asText())) return received.get(i);
            throw new AssertionError("no " + type + " in " + received);
        }

        List<String> types() {
            List<String> t = new ArrayList<>();
            for (JsonNode n : received) t.add(n.path("type").asText());
            return t;
        }
    }

    private List<String> book(String kind, String... roles) throws Exception {
        StringBuilder p = new StringBuilder();
        for (String r : roles) p.append(p.length() == 0 ? "" : ",").append("{\"role\":\"").append(r).append("\",\"displayName\":\"X ").append(r).append("\"}");
        String body = "{\"subject\":\"AB-82 Videobesök\",\"kind\":\"" + kind + "\",\"lobby\":false,\"startsAt\":\"" + Instant.now()
                + "\",\"durationMinutes\":30,\"participants\":[" + p + "]}";
        Meeting meeting = meetings.book(BookingRequest.parse(JSON.readTree(body)));
        List<String> tokensOut = new ArrayList<>();
        for (JsonNode participant : meetings.describe(meeting).get("participants")) {
            String url = participant.get("joinUrl").asText();
            tokensOut.add(url.substring(url.indexOf('#') + 1));
        }
        return tokensOut;
    }

    private static ObjectNode msg(String type) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type);
        return o;
    }

    private Client joined(String token) {
        Client c = new Client();
        ObjectNode join = msg("join");
        join.put("token", token);
        c.send(join);
        assertEquals("joined", c.received.get(0).path("type").asText(), c.received.toString());
        return c;
    }

    private static String chromiumOffer() throws Exception {
        return Files.readString(Path.of(ClientSessionTest.class.getResource("/sdp/chromium-156-offer.sdp").toURI()), StandardCharsets.UTF_8);
    }

    @Test
    void joinAnswersJoinedWithTheOthersAlreadyPresent() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        Client clinician = joined(t.get(0));
        assertEquals(0, clinician.last("joined").get("participants").size());
        assertEquals("clinician", clinician.last("joined").get("role").asText());
        Client patient = joined(t.get(1));
        JsonNode others = patient.last("joined").get("participants");
        assertEquals(1, others.size());
        assertEquals("clinician", others.get(0).get("role").asText());
        assertEquals("patient", clinician.last("participantJoined").get("participant").get("role").asText());
        assertEquals(2, rooms.participantCount());
        assertEquals(1, rooms.roomCount());
    }

    @Test
    void refusesThirdParticipantInTwoPartyRoom() throws Exception {
        List<String> t = book("two-party", "clinician", "patient", "guardian");
        joined(t.get(0));
        joined(t.get(1));
        Client third = new Client();
        ObjectNode join = msg("join");
        join.put("token", t.get(2));
        third.send(join);
        assertEquals("room_full", third.last("error").get("code").asText());
        assertTrue(third.closed);
        assertEquals(2, rooms.participantCount());
    }

    @Test
    void refusesAForgedToken() {
        Client c = new Client();
        ObjectNode join = msg("join");
        join.put("token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA");
        c.send(join);
        assertEquals("invalid_token", c.last("error").get("code").asText());
        assertTrue(c.closed);
        assertFalse(c.last("error").get("message").asText().contains("eyJ"), "the token is never echoed");
    }

    @Test
    void malformedAndUnknownMessagesGetAnErrorAndTheConnectionSurvives() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client c = joined(t.get(0));
        c.session.onMessage("{not json");
        assertEquals("bad_message", c.last("error").get("code").asText());
        c.session.onMessage("[1,2]");
        assertEquals("bad_message", c.last("error").get("code").asText());
        c.send(msg("selfDestruct"));
        assertEquals("unknown_type", c.last("error").get("code").asText());
        ObjectNode chat = msg("chat");
        chat.put("text", "hej");
        c.send(chat);
        assertEquals("unknown_type", c.last("error").get("code").asText());
        c.session.onMessage("x".repeat(70_000));
        assertEquals("message_too_large", c.last("error").get("code").asText());
        c.send(msg("publish"));
        assertEquals("bad_message", c.last("error").get("code").asText());
        assertFalse(c.closed);
        c.send(msg("ping"));
        assertEquals("pong", c.received.get(c.received.size() - 1).path("type").asText());
        assertEquals(1, rooms.participantCount());
    }

    @Test
    void messagesBeforeJoinAreRefused() {
        Client c = new Client();
        c.send(msg("publish"));
        assertEquals("not_joined", c.last("error").get("code").asText());
        assertFalse(c.closed);
    }

    @Test
    void publishingOffersTheStreamsToTheOthers() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client clinician = joined(t.get(0));
        Client patient = joined(t.get(1));
        ObjectNode publish = msg("publish");
        publish.put("sdp", chromiumOffer());
        clinician.send(publish);
        String answer = clinician.last("publishAnswer").get("sdp").asText();
        assertTrue(answer.contains("a=setup:passive"));
        assertFalse(answer.contains("m=application"));
        JsonNode offer = patient.last("subscribeOffer");
        assertEquals(2, offer.get("tracks").size());
        assertEquals(clinician.last("joined").get("participantId").asText(), offer.get("tracks").get(0).get("participantId").asText());
        assertTrue(offer.get("sdp").asText().contains("a=sendonly"));
    }

    @Test
    void aBrokenOfferIsRejectedAndTheSessionGoesOn() throws Exception {
        List<String> t = book("group", "clinician");
        Client c = joined(t.get(0));
        ObjectNode publish = msg("publish");
        publish.put("sdp", chromiumOffer().replace("a=group:BUNDLE 0 1\r\n", "").replace("a=group:BUNDLE 0 1\n", ""));
        c.send(publish);
        assertEquals("sdp_rejected", c.last("error").get("code").asText());
        assertFalse(c.closed);
    }

    @Test
    void leavingFreesTheSeatAndClosesAnEmptyRoom() throws Exception {
        List<String> t = book("group", "clinician", "patient");
        Client a = joined(t.get(0));
        Client b = joined(t.get(1));
        b.send(msg("leave"));
        assertTrue(b.closed);
        assertEquals("left", b.last("left").path("type").asText());
        assertEquals(b.last("joined").get("participantId").asText(), a.last("participantLeft").get("participantId").asText());
        assertEquals(1, rooms.participantCount());
        a.session.onClose();
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void rejoiningTakesTheSeatBackFromAStaleConnection() throws Exception {
        List<String> t = book("two-party", "clinician", "patient");
        joined(t.get(0));
        Client stale = joined(t.get(1));
        Client fresh = joined(t.get(1));
        assertEquals("replaced", stale.last("error").get("code").asText());
        assertTrue(stale.closed);
        stale.session.onClose();
        assertEquals(2, rooms.participantCount());
        assertFalse(fresh.closed);
    }
}
