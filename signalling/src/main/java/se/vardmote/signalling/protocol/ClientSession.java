package se.vardmote.signalling.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.SignallingSession;
import se.vardmote.signalling.echo.EchoRefused;
import se.vardmote.signalling.echo.EchoSession;
import se.vardmote.signalling.echo.EchoSessions;
import se.vardmote.signalling.limit.SourceRateLimit;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.meeting.Participant;
import se.vardmote.signalling.meeting.Role;
import se.vardmote.signalling.room.ActionRefused;
import se.vardmote.signalling.room.IdentityMethod;
import se.vardmote.signalling.room.JoinRefused;
import se.vardmote.signalling.room.LobbyEntry;
import se.vardmote.signalling.room.MemberInfo;
import se.vardmote.signalling.room.MemberListener;
import se.vardmote.signalling.room.RoomMember;
import se.vardmote.signalling.room.Rooms;
import se.vardmote.signalling.sdp.OfferedTrack;
import se.vardmote.signalling.sdp.SdpException;
import se.vardmote.signalling.store.StoreException;
import se.vardmote.signalling.token.InvalidTokenException;
import se.vardmote.signalling.token.TokenClaims;
import se.vardmote.signalling.token.TokenService;

import static se.vardmote.signalling.protocol.ServerMessages.lobby;
import static se.vardmote.signalling.protocol.ServerMessages.object;
import static se.vardmote.signalling.protocol.ServerMessages.participant;
import static se.vardmote.signalling.protocol.ServerMessages.participants;

/**
 * One WebSocket connection speaking the vardmote protocol (docs/protocol.md). Frames arrive one at a
 * time from the connection's thread; room events arrive from other threads and only write output.
 * A bad message gets an {@code error} reply and changes nothing; the connection and the room survive.
 *
 * <p>While its member waits in the lobby the connection may only {@code ping} and {@code leave}; media
 * messages get {@code waiting}. What a role may do is decided by the {@link se.vardmote.signalling.room.Room},
 * not here: this class only parses and forwards.
 *
 * <p>Guessing join links is limited per source address: after {@value #MAX_INVALID_JOINS} joins refused
 * {@code invalid_token} within {@link #INVALID_JOIN_WINDOW}, joins from that address are refused
 * {@code too_many_attempts} for the rest of the window, before their token is even read.
 *
 * <p>Before joining, a connection may run an echo test ({@code echo}, the pre-call check): its publish offer is
 * answered and its own streams come back on a subscribe offer, through an {@link EchoSession} that ends with
 * {@code leave}, a {@code join}, a new {@code echo}, the connection, or at its time limit. It may first ask for
 * the ICE servers to reach the media port with ({@code echoIceServers}), TURN credentials among them when TURN
 * is configured; that counts as the test's start against the address's limit.
 */
public final class ClientSession implements SignallingSession, MemberListener {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());
    private static final int MAX_TOKEN_CHARS = 4096;
    /** Participant ids are 22 characters (128 random bits, base64url); anything much longer is not one. */
    private static final int MAX_PARTICIPANT_ID_CHARS = 64;
    /** A {@code viewSizes} message names at most this many pictures, each by a mid of at most 16 characters. */
    private static final int MAX_VIEWS = 64;
    private static final int MAX_MID_CHARS = 16;
    /** Joins refused {@code invalid_token} that one address may make within {@link #INVALID_JOIN_WINDOW}. */
    public static final int MAX_INVALID_JOINS = 20;
    public static final Duration INVALID_JOIN_WINDOW = Duration.ofMinutes(1);
    /**
     * An echo test's TURN credentials outlive its longest run by this much: the browser makes its relay allocation
     * within seconds of asking, and coturn checks the expiry on every request of it.
     */
    static final Duration ECHO_TURN_MARGIN = Duration.ofMinutes(1);

    private final SessionOutput output;
    private final Rooms rooms;
    private final MeetingService meetings;
    private final TokenService tokens;
    private final SignallingConfig config;
    private final SourceRateLimit invalidJoins;
    /** The connection's address as {@link SourceRateLimit#sourceOf} keys it; kept in memory only. */
    private final Object source;

    /** Echo tests, or null where this server offers none. */
    private final EchoSessions echoes;

    private volatile RoomMember member;
    /** The echo test this connection runs before (or instead of) joining; null when none. */
    private volatile EchoSession echo;
    /** The next echo test was counted against this address when its ICE servers were asked for. */
    private volatile boolean echoAdmitted;
    private volatile boolean closed;
    /** When this participant's join link expires: its TURN credentials last as long. */
    private volatile java.time.Instant linkExpiresAt;

    /** A connection of unknown origin: its invalid joins are limited on this connection only. */
    public ClientSession(SessionOutput output, Rooms rooms, MeetingService meetings, TokenService tokens, SignallingConfig config) {
        this(output, rooms, meetings, tokens, config, invalidJoinLimit(System::nanoTime), "this connection");
    }

    /**
     * @param invalidJoins the server's limit on invalid joins ({@link #invalidJoinLimit}), shared by all connections
     * @param source       where this connection comes from ({@link SourceRateLimit#sourceOf})
     */
    public ClientSession(SessionOutput output, Rooms rooms, MeetingService meetings, TokenService tokens, SignallingConfig config,
                         SourceRateLimit invalidJoins, Object source) {
        this(output, rooms, meetings, tokens, config, invalidJoins, source, null);
    }

    /** @param echoes the server's echo tests ({@code null}: {@code echo} is answered {@code echo_unavailable}) */
    public ClientSession(SessionOutput output, Rooms rooms, MeetingService meetings, TokenService tokens, SignallingConfig config,
                         SourceRateLimit invalidJoins, Object source, EchoSessions echoes) {
        this.echoes = echoes;
        this.output = output;
        this.rooms = rooms;
        this.meetings = meetings;
        this.tokens = tokens;
        this.config = config;
        this.invalidJoins = invalidJoins;
        this.source = source;
    }

    /**
     * The limit on guessing join links: {@value #MAX_INVALID_JOINS} invalid joins a minute per address. An
     * HS256 signature is not guessed this way anyway; the limit keeps a stranger's attempts from costing the
     * server a signature check (and, for a stolen but revoked link, a database look-up) per message.
     */
    public static SourceRateLimit invalidJoinLimit(LongSupplier nanoClock) {
        return new SourceRateLimit(MAX_INVALID_JOINS, INVALID_JOIN_WINDOW, nanoClock);
    }

    @Override
    public void onMessage(String text) {
        if (closed) return;
        try {
            if (text.length() > Json.MAX_MESSAGE_CHARS) {
                throw ProtocolError.recoverable("message_too_large", "messages may be at most " + Json.MAX_MESSAGE_CHARS + " characters");
            }
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(text);
            } catch (JacksonException e) {
                throw ProtocolError.recoverable("bad_message", "the message is not valid JSON");
            }
            if (message == null || !message.isObject() || !message.path("type").isTextual()) {
                throw ProtocolError.recoverable("bad_message", "a message is a JSON object with a string field \"type\"");
            }
            dispatch(message.get("type").asText(), message);
        } catch (ProtocolError e) {
            sendError(e.code(), e.getMessage());
            if (e.fatal()) close();
        } catch (RuntimeException e) {
            // A bug must not take the room down: tell the client, keep the connection.
            LOG.log(System.Logger.Level.WARNING, "internal error while handling a message", e);
            sendError("internal_error", "the server could not handle this message");
        }
    }

    private void dispatch(String type, JsonNode message) throws ProtocolError {
        switch (type) {
            case "join" -> join(message);
            case "publish" -> publish(message);
            case "subscribeAnswer" -> {
                if (member == null && echo != null) echoAnswer(message);
                else subscribeAnswer(message);
            }
            case "echoIceServers" -> echoIceServers();
            case "echo" -> echo(message);
            case "mute" -> mute(message);
            case "viewSizes" -> viewSizes(message);
            case "candidate" -> requireSeated(); // ICE-lite: the server learns addresses from the checks themselves
            case "ping" -> send(object("pong"));
            case "leave" -> {
                if (member == null && echo != null) leaveEcho();
                else leave();
            }
            case "admit" -> act(message, (m, target) -> m.room().admit(m, target));
            case "deny" -> act(message, (m, target) -> m.room().deny(m, target));
            case "verifyIdentity" -> verifyIdentity(message);
            case "muteParticipant" -> act(message, (m, target) -> m.room().muteParticipant(m, target));
            case "removeParticipant" -> act(message, (m, target) -> m.room().removeParticipant(m, target));
            case "endMeeting" -> endMeeting();
            case "chat" -> throw ProtocolError.recoverable("unknown_type", "vardmote has no chat: messages are not carried");
            default -> throw ProtocolError.recoverable("unknown_type", "unknown message type; see docs/protocol.md");
        }
    }

    private void join(JsonNode message) throws ProtocolError {
        if (member != null) throw ProtocolError.recoverable("already_joined", "this connection has already joined");
        long wait = invalidJoins.retryAfterSeconds(source);
        if (wait > 0) {
            throw ProtocolError.fatal("too_many_attempts", "too many joins with an invalid link from this network; wait "
                    + wait + " s, then open the link again");
        }
        String token = text(message, "token", MAX_TOKEN_CHARS);
        endEcho();
        TokenClaims claims;
        try {
            claims = tokens.verify(token);
        } catch (InvalidTokenException e) {
            throw invalidToken("the join link is not valid or has expired: " + e.getMessage());
        }
        linkExpiresAt = claims.expiresAt();
        Optional<Meeting> meeting;
        boolean fromLiveRoom = false;
        try {
            meeting = meetings.find(claims.meetingId());
        } catch (StoreException e) {
            // While the database cannot be reached, a visit that is running goes on from what its room holds, so a
            // participant whose page reloads or whose network changes gets back in; nobody else can be looked up.
            meeting = rooms.liveMeeting(claims.meetingId());
            if (meeting.isEmpty()) throw databaseUnavailable();
            fromLiveRoom = true;
        }
        if (meeting.isEmpty()) throw ProtocolError.fatal("meeting_not_found", "this visit no longer exists");
        Optional<Participant> participant = meeting.get().participant(claims.participantId());
        if (participant.isEmpty() && fromLiveRoom) throw databaseUnavailable(); // a seat booked after the room opened
        if (participant.isEmpty()) throw invalidToken("the join link does not belong to this visit");
        try {
            rooms.join(meeting.get(), participant.get(), this); // sets member through joined()
        } catch (JoinRefused e) {
            throw ProtocolError.fatal(e.code(), e.getMessage());
        }
    }

    private static ProtocolError databaseUnavailable() {
        return ProtocolError.fatal("database_unavailable",
                "the visit cannot be looked up just now; open the link again in a minute");
    }

    /** An {@code invalid_token} refusal, counted against this connection's address. */
    private ProtocolError invalidToken(String message) {
        invalidJoins.record(source);
        return ProtocolError.fatal("invalid_token", message);
    }

    /**
     * The ICE servers for the echo test this connection is about to start, asked for before its connection is
     * made: TURN credentials that last as long as an echo test may and a minute more, counted as the test's start
     * against this address (docs/protocol.md).
     */
    private void echoIceServers() throws ProtocolError {
        if (member != null) throw ProtocolError.recoverable("already_joined", "an echo test runs before joining, not during a visit");
        if (echoes == null) throw ProtocolError.recoverable("echo_unavailable", "this server offers no echo test");
        try {
            echoes.admit(source);
        } catch (EchoRefused e) {
            throw ProtocolError.recoverable(e.code(), e.getMessage());
        }
        echoAdmitted = true;
        ObjectNode answer = object("echoIceServers");
        answer.set("iceServers", ServerMessages.echoIceServers(config, echoes.limits().maxDuration().plus(ECHO_TURN_MARGIN)));
        send(answer);
    }

    /** An echo test: answer the offer, then offer the client's own streams back (docs/protocol.md). */
    private void echo(JsonNode message) throws ProtocolError {
        if (member != null) throw ProtocolError.recoverable("already_joined", "an echo test runs before joining, not during a visit");
        String sdp = text(message, "sdp", Json.MAX_MESSAGE_CHARS);
        if (echoes == null) throw ProtocolError.recoverable("echo_unavailable", "this server offers no echo test");
        endEcho();
        boolean admitted = echoAdmitted;
        echoAdmitted = false;
        EchoSession session;
        try {
            session = echoes.start(source, sdp, this::echoTimeLimit, admitted);
        } catch (EchoRefused e) {
            throw ProtocolError.recoverable(e.code(), e.getMessage());
        } catch (SdpException e) {
            throw sdpRejected(e);
        }
        if (closed) {
            session.end();
            return;
        }
        echo = session;
        ObjectNode answer = object("publishAnswer");
        answer.put("sdp", session.publishAnswer());
        answer.put("echoSeconds", echoes.limits().maxDuration().toSeconds());
        send(answer);
        subscribeOffer(session.subscribeOffer(), session.subscribeVersion(), session.tracks());
    }

    private void echoAnswer(JsonNode message) throws ProtocolError {
        EchoSession session = echo;
        String sdp = text(message, "sdp", Json.MAX_MESSAGE_CHARS);
        JsonNode version = message.get("version");
        if (version == null || !version.canConvertToLong()) {
            throw ProtocolError.recoverable("bad_message", "\"version\" must be the number of the offer being answered");
        }
        try {
            session.subscribeAnswer(sdp, version.asLong());
        } catch (SdpException e) {
            throw sdpRejected(e);
        }
    }

    private void leaveEcho() {
        endEcho();
        send(object("left"));
        close();
    }

    /** The echo test reached its time limit (on the echo timer's thread): tell the client; the connection stays. */
    private void echoTimeLimit() {
        EchoSession session = echo;
        if (closed || session == null || !session.isEnded()) return;
        echo = null;
        send(object("echoEnded", "reason", "time_limit"));
    }

    private void endEcho() {
        EchoSession session = echo;
        echo = null;
        if (session != null) session.end();
    }

    private void publish(JsonNode message) throws ProtocolError {
        RoomMember m = requireSeated();
        String sdp = text(message, "sdp", Json.MAX_MESSAGE_CHARS);
        try {
            String answer = m.room().publish(m, sdp);
            ObjectNode reply = object("publishAnswer");
            reply.put("sdp", answer);
            send(reply);
        } catch (SdpException e) {
            throw sdpRejected(e);
        }
    }

    private void subscribeAnswer(JsonNode message) throws ProtocolError {
        RoomMember m = requireSeated();
        String sdp = text(message, "sdp", Json.MAX_MESSAGE_CHARS);
        JsonNode version = message.get("version");
        if (version == null || !version.canConvertToLong()) {
            throw ProtocolError.recoverable("bad_message", "\"version\" must be the number of the offer being answered");
        }
        try {
            m.room().subscribeAnswer(m, sdp, version.asLong());
        } catch (SdpException e) {
            throw sdpRejected(e);
        }
    }

    private void mute(JsonNode message) throws ProtocolError {
        RoomMember m = requireSeated();
        JsonNode audio = message.get("audio");
        JsonNode video = message.get("video");
        if (audio == null || !audio.isBoolean() || video == null || !video.isBoolean()) {
            throw ProtocolError.recoverable("bad_message", "\"audio\" and \"video\" must be true (muted) or false");
        }
        m.room().setMuted(m, audio.asBoolean(), video.asBoolean());
    }

    /** How large the client shows each received picture (the smallest simulcast layer that fills it is sent). */
    private void viewSizes(JsonNode message) throws ProtocolError {
        RoomMember m = requireSeated();
        JsonNode views = message.get("views");
        if (views == null || !views.isArray() || views.size() > MAX_VIEWS) {
            throw ProtocolError.recoverable("bad_message", "\"views\" must be a list of at most " + MAX_VIEWS
                    + " {mid, width, height}");
        }
        Map<String, int[]> sizes = new HashMap<>();
        for (JsonNode view : views) {
            JsonNode mid = view.get("mid");
            JsonNode width = view.get("width");
            JsonNode height = view.get("height");
            if (mid == null || !mid.isTextual() || mid.asText().isEmpty() || mid.asText().length() > MAX_MID_CHARS
                    || !pixels(width) || !pixels(height)) {
                throw ProtocolError.recoverable("bad_message", "each view needs a \"mid\" and a \"width\" and \"height\" of 0.."
                        + Router.MAX_VIEW_PIXELS + " CSS pixels");
            }
            sizes.put(mid.asText(), new int[] {width.asInt(), height.asInt()});
        }
        m.room().setViewSizes(m, sizes);
    }

    private static boolean pixels(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0 && n.asInt() <= Router.MAX_VIEW_PIXELS;
    }

    private void leave() throws ProtocolError {
        requireJoined();
        send(object("left"));
        close();
    }

    /** A clinician's action on one participant; the room checks the role. */
    @FunctionalInterface
    private interface RoomAction {
        void apply(RoomMember actor, String targetParticipantId) throws ActionRefused;
    }

    private void act(JsonNode message, RoomAction action) throws ProtocolError {
        RoomMember m = requireJoined();
        String target = text(message, "participantId", MAX_PARTICIPANT_ID_CHARS);
        try {
            action.apply(m, target);
        } catch (ActionRefused e) {
            throw ProtocolError.recoverable(e.code(), e.getMessage());
        }
    }

    private void verifyIdentity(JsonNode message) throws ProtocolError {
        IdentityMethod method = IdentityMethod.fromWire(message.path("method").asText(""));
        if (method == null) {
            throw ProtocolError.recoverable("bad_message", "\"method\" must be \"id-document\" or \"bankid\"");
        }
        act(message, (m, target) -> m.room().verifyIdentity(m, target, method));
    }

    private void endMeeting() throws ProtocolError {
        RoomMember m = requireJoined();
        try {
            rooms.endMeeting(m);
        } catch (ActionRefused e) {
            throw ProtocolError.recoverable(e.code(), e.getMessage());
        }
    }

    private static ProtocolError sdpRejected(SdpException e) {
        return ProtocolError.recoverable("sdp_rejected", e.code() + ": " + e.getMessage());
    }

    private RoomMember requireJoined() throws ProtocolError {
        RoomMember m = member;
        if (m == null) throw ProtocolError.recoverable("not_joined", "send \"join\" with your token first");
        return m;
    }

    /** Joined and not waiting in the lobby: the member may send and receive media. */
    private RoomMember requireSeated() throws ProtocolError {
        RoomMember m = requireJoined();
        if (m.isWaiting()) {
            throw ProtocolError.recoverable("waiting", "you are waiting to be let in; media starts when a clinician lets you in");
        }
        return m;
    }

    private static String text(JsonNode message, String field, int maxChars) throws ProtocolError {
        JsonNode value = message.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw ProtocolError.recoverable("bad_message", "\"" + field + "\" must be a non-empty string");
        }
        if (value.asText().length() > maxChars) {
            throw ProtocolError.recoverable("bad_message", "\"" + field + "\" is longer than " + maxChars + " characters");
        }
        return value.asText();
    }

    /** The connection is gone without {@code leave}: the room holds a seated member's seat for a while. */
    @Override
    public void onClose() {
        closed = true;
        endEcho();
        RoomMember m = member;
        member = null;
        if (m != null) rooms.dropped(m);
    }

    /** This side ends the session ({@code leave}, a fatal error): the member leaves at once. */
    private void close() {
        closed = true;
        endEcho();
        RoomMember m = member;
        member = null;
        if (m != null) rooms.leave(m);
        output.close();
    }

    // --- what the room tells this member ---

    @Override
    public void joined(RoomMember self, List<MemberInfo> others) {
        joined(self, others, List.of());
    }

    @Override
    public void joined(RoomMember self, List<MemberInfo> others, List<LobbyEntry> lobby) {
        member = self;
        Participant p = self.participant();
        Meeting meeting = self.room().meeting();
        ObjectNode msg = object("joined");
        msg.put("meetingId", meeting.meetingId());
        msg.put("participantId", p.participantId());
        msg.put("role", p.role().wireName());
        msg.put("displayName", p.displayName());
        msg.put("roomKind", meeting.kind().wireName());
        msg.put("subject", meeting.subject());
        msg.set("participants", participants(others));
        if (p.role() == Role.CLINICIAN) msg.set("lobby", lobby(lobby));
        msg.set("iceServers", ServerMessages.iceServers(config, linkExpiresAt));
        send(msg);
    }

    @Override
    public void waiting(RoomMember self) {
        member = self;
        // Nothing of the room: not who is there, not even the subject.
        send(object("waiting"));
    }

    @Override
    public void lobbyUpdated(List<LobbyEntry> lobby) {
        send(object("lobbyUpdated", "lobby", lobby(lobby)));
    }

    @Override
    public void mutedBy(String byParticipantId) {
        send(object("mutedBy", "participantId", byParticipantId));
    }

    @Override
    public void dismissed(String code, String message) {
        sendError(code, message);
        endedByRoom();
    }

    @Override
    public void serverDraining(java.time.Instant closesAt) {
        send(object("serverDraining", "closesAt", closesAt.toString()));
    }

    @Override
    public void meetingEnded(String reason) {
        send(object("meetingEnded", "reason", reason));
        endedByRoom();
    }

    @Override
    public void participantJoined(MemberInfo participant) {
        send(object("participantJoined", "participant", participant(participant)));
    }

    @Override
    public void participantLeft(String participantId) {
        send(object("participantLeft", "participantId", participantId));
    }

    @Override
    public void participantUpdated(MemberInfo participant) {
        send(object("participantUpdated", "participant", participant(participant)));
    }

    @Override
    public void subscribeOffer(String sdp, long version, List<OfferedTrack> tracks) {
        send(ServerMessages.subscribeOffer(sdp, version, tracks));
    }

    @Override
    public void replaced() {
        dismissed("replaced", "you joined this visit from another window or device");
    }

    /** The room has already let this member go: forget the seat (onClose must not leave again) and hang up. */
    private void endedByRoom() {
        member = null;
        closed = true;
        output.close();
    }

    private void sendError(String code, String message) {
        send(ServerMessages.error(code, message));
    }

    private void send(ObjectNode message) {
        output.send(message.toString());
    }
}
