package se.vardmote.signalling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import se.vardmote.media.router.Router;
import se.vardmote.media.testkit.FakeTransport;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.room.AuditSink;
import se.vardmote.signalling.room.JoinWindow;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.store.Database;
import se.vardmote.signalling.token.TokenService;

/**
 * Live rooms over a real H2 database, real tokens and a real router whose transports never touch the
 * network, with recording WebSocket clients: what the protocol tests drive.
 */
public final class LiveRoomsFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Database database;
    final TokenService tokens;
    public final MeetingService meetings;
    final DefaultEventLoop loop = new DefaultEventLoop();
    public final Rooms rooms;
    /** How long a dropped connection's seat is held here: short, so that tests see it end. */
    public static final Duration RECONNECT_GRACE = Duration.ofMillis(300);
    /** Every transport the rooms' routers made, and every router. */
    final List<FakeTransport> transports = new CopyOnWriteArrayList<>();
    final List<Router> routers = new CopyOnWriteArrayList<>();
    /** The meeting {@link #book} booked last. */
    public Meeting lastBooked;
    /** The clock of the limit on invalid joins; tests move it. */
    public final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
    /** The limit on invalid joins that every client of this fixture shares, as the server's connections do. */
    public final SourceRateLimit invalidJoins = ClientSession.invalidJoinLimit(nanos::get);
    /** Echo tests of every client: two at once, three per source a minute, 1.5 s each at most. */
    public static final se.vardmote.signalling.echo.EchoLimits ECHO_LIMITS =
            new se.vardmote.signalling.echo.EchoLimits(2, 3, Duration.ofMillis(1500));
    final se.vardmote.signalling.echo.EchoSessions echoes;
    /** The address clients come from unless a test says otherwise. */
    static final Object DEFAULT_SOURCE = "192.0.2.10";

    public LiveRoomsFixture(Path dir, JoinWindow joinWindow, AuditSink audit) throws Exception {
        database = Database.open(Database.defaultUrl(dir), "", "");
        tokens = TokenService.fromDataDirectory(dir, Clock.systemUTC());
        meetings = new MeetingService(database, tokens, "http://127.0.0.1:8080", Clock.systemUTC());
        rooms = new Rooms(() -> {
            Router router = new Router(loop, receiver -> {
                FakeTransport t = new FakeTransport(loop, receiver)
                        .connected(false).sent(FakeTransport.Sent.RELEASE);
                transports.add(t);
                return t;
            });
            routers.add(router);
            return router;
        }, 8, joinWindow, meetings.rules().joinGrace(), audit, Clock.systemUTC(), RECONNECT_GRACE);
        echoes = new se.vardmote.signalling.echo.EchoSessions(() -> {
            Router router = new Router(loop, receiver -> {
                FakeTransport t = new FakeTransport(loop, receiver);
                transports.add(t);
                return t;
            });
            routers.add(router);
            return router;
        }, ECHO_LIMITS, nanos::get);
    }

    /** Subscriptions over every router made, read on the routers' loop. */
    int subscriptions() throws Exception {
        return loop.submit(() -> routers.stream().mapToInt(Router::subscriptionCount).sum()).get();
    }

    /** Transports made and not yet closed. */
    long openTransports() {
        return transports.stream().filter(t -> !t.isClosed()).count();
    }

    /** Waits (at most 5 s) for the reconnect grace of a drop to end. */
    static void awaitGrace() throws InterruptedException {
        Thread.sleep(RECONNECT_GRACE.toMillis() + 200);
    }

    @Override
    public void close() {
        echoes.close();
        rooms.closeAll();
        loop.shutdownGracefully();
        database.close();
    }

    /** A new, not yet joined connection. */
    Client client() {
        return new Client(DEFAULT_SOURCE);
    }

    /** A new, not yet joined connection from {@code source}. */
    Client client(Object source) {
        return new Client(source);
    }

    /** A new, not yet joined connection from {@code source} to a server with {@code config} (TURN, say). */
    Client client(Object source, SignallingConfig config) {
        return new Client(source, config);
    }

    /** A connection that has sent {@code join} with {@code token}. */
    Client connect(String token) {
        Client c = new Client(DEFAULT_SOURCE);
        ObjectNode join = msg("join");
        join.put("token", token);
        c.send(join);
        return c;
    }

    /** A connection whose {@code join} was answered {@code joined}. */
    Client joined(String token) {
        Client c = connect(token);
        assertEquals("joined", c.received.get(0).path("type").asText(), c.received.toString());
        return c;
    }

    /** Books a meeting; returns one join token per seat, in the order of {@code roles}. */
    List<String> book(Instant startsAt, String kind, boolean lobby, String... roles) throws Exception {
        return store(request(startsAt, kind, lobby, roles));
    }

    /**
     * Books a two-party meeting with more seats than it seats, as stored before bookings refused them (the
     * room still refuses the third); returns one join token per seat.
     */
    List<String> bookTwoPartyAsStoredBefore(boolean lobby, String... roles) throws Exception {
        BookingRequest group = request(Instant.now(), "group", lobby, roles);
        return store(new BookingRequest(group.subject(), MeetingKind.TWO_PARTY, group.lobby(), group.startsAt(),
                group.durationMinutes(), group.participants()));
    }

    private static BookingRequest request(Instant startsAt, String kind, boolean lobby, String... roles) throws Exception {
        StringBuilder p = new StringBuilder();
        for (String r : roles) p.append(p.length() == 0 ? "" : ",").append("{\"role\":\"").append(r).append("\",\"displayName\":\"X ").append(r).append("\"}");
        String body = "{\"subject\":\"AB-82 Videobesök\",\"kind\":\"" + kind + "\",\"lobby\":" + lobby + ",\"startsAt\":\"" + startsAt
                + "\",\"durationMinutes\":30,\"participants\":[" + p + "]}";
        return BookingRequest.parse(JSON.readTree(body));
    }

    private List<String> store(BookingRequest request) {
        lastBooked = meetings.book(request);
        List<String> out = new ArrayList<>();
        for (JsonNode participant : meetings.describe(lastBooked).get("participants")) {
            String url = participant.get("joinUrl").asText();
            out.add(url.substring(url.indexOf('#') + 1));
        }
        return out;
    }

    public List<String> book(String kind, boolean lobby, String... roles) throws Exception {
        return book(Instant.now(), kind, lobby, roles);
    }

    static ObjectNode msg(String type) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type);
        return o;
    }

    /** A real Chromium 156 publish offer (audio and video). */
    static String chromiumOffer() throws Exception {
        return Files.readString(Path.of(LiveRoomsFixture.class.getResource("/sdp/chromium-156-offer.sdp").toURI()), StandardCharsets.UTF_8);
    }

    /** A client connection: what the server sent it, and whether the server closed it. */
    final class Client implements SessionOutput {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        final ClientSession session;

        Client(Object source) {
            this(source, SignallingConfig.defaults());
        }

        Client(Object source, SignallingConfig config) {
            session = new ClientSession(this, rooms, meetings, tokens, config, invalidJoins, source, echoes);
        }

        @Override public void send(String json) {
            try {
                received.add(JSON.readTree(json));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override public void close() { closed = true; }

        void send(ObjectNode message) { session.onMessage(message.toString()); }

        void send(String type, String participantId) {
            ObjectNode m = msg(type);
            if (participantId != null) m.put("participantId", participantId);
            send(m);
        }

        JsonNode last(String type) {
            for (int i = received.size() - 1; i >= 0; i--) if (type.equals(received.get(i).path("type").asText())) return received.get(i);
            throw new AssertionError("no " + type + " in " + received);
        }

        JsonNode lastMessage() {
            return received.get(received.size() - 1);
        }

        String lastError() {
            return last("error").get("code").asText();
        }

        List<String> types() {
            List<String> t = new ArrayList<>();
            for (JsonNode n : received) t.add(n.path("type").asText());
            return t;
        }

        String id() {
            return last("joined").get("participantId").asText();
        }
    }
}
