package se.vardmote.signalling.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.room.LobbyEntry;
import se.vardmote.signalling.room.MemberInfo;
import se.vardmote.signalling.sdp.OfferedTrack;

/** The server's messages to a client, as docs/protocol.md names their fields: built here, sent by ClientSession. */
final class ServerMessages {

    private ServerMessages() {
    }

    static ObjectNode object(String type) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", type);
        return o;
    }

    /** A message of {@code type} with one text field. */
    static ObjectNode object(String type, String field, String value) {
        ObjectNode o = object(type);
        o.put(field, value);
        return o;
    }

    /** A message of {@code type} with one object or list field. */
    static ObjectNode object(String type, String field, JsonNode value) {
        ObjectNode o = object(type);
        o.set(field, value);
        return o;
    }

    static ObjectNode error(String code, String message) {
        ObjectNode o = object("error");
        o.put("code", code);
        o.put("message", message);
        return o;
    }

    static ArrayNode participants(List<MemberInfo> infos) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (MemberInfo i : infos) list.add(participant(i));
        return list;
    }

    static ObjectNode participant(MemberInfo i) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("participantId", i.participantId());
        o.put("role", i.role().wireName());
        o.put("displayName", i.displayName());
        o.put("audioMuted", i.audioMuted());
        o.put("videoMuted", i.videoMuted());
        if (i.identityVerified() != null) o.put("identityVerified", i.identityVerified().wireName());
        else o.putNull("identityVerified");
        o.put("joinedVia", i.joinedVia().wireName());
        o.put("reconnecting", i.reconnecting());
        return o;
    }

    static ArrayNode lobby(List<LobbyEntry> entries) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (LobbyEntry e : entries) {
            ObjectNode o = list.addObject();
            o.put("participantId", e.participantId());
            o.put("role", e.role().wireName());
            o.put("displayName", e.displayName());
            o.put("joinedVia", e.joinedVia().wireName());
        }
        return list;
    }

    /** A subscribe offer listing its active sections (mid, the publishing participant, kind). */
    static ObjectNode subscribeOffer(String sdp, long version, List<OfferedTrack> tracks) {
        ObjectNode msg = object("subscribeOffer");
        msg.put("sdp", sdp);
        msg.put("version", version);
        ArrayNode list = msg.putArray("tracks");
        for (OfferedTrack t : tracks) {
            if (!t.active()) continue;
            ObjectNode o = list.addObject();
            o.put("mid", t.mid());
            o.put("participantId", t.streamId());
            o.put("kind", t.kind().sdpName());
        }
        return msg;
    }

    /** The configured STUN/TURN servers, and TURN credentials valid until the join link expires. */
    static ArrayNode iceServers(SignallingConfig config, Instant linkExpiresAt) {
        Instant now = Instant.now();
        return configuredAnd(config, config.turn().configured()
                ? config.turn().credentials(linkExpiresAt == null ? now : linkExpiresAt, now) : null);
    }

    /**
     * The configured STUN/TURN servers for an echo test, with TURN credentials valid for {@code validity} only:
     * nobody's join link stands behind them.
     */
    static ArrayNode echoIceServers(SignallingConfig config, Duration validity) {
        return configuredAnd(config, config.turn().configured()
                ? config.turn().credentialsValidFor(validity, Instant.now()) : null);
    }

    /** The configured STUN/TURN servers and {@code turn} (TURN credentials made for this answer), if not null. */
    private static ArrayNode configuredAnd(SignallingConfig config, SignallingConfig.IceServer turn) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        List<SignallingConfig.IceServer> servers = new ArrayList<>(config.iceServers());
        if (turn != null) servers.add(turn);
        for (SignallingConfig.IceServer s : servers) {
            ObjectNode o = list.addObject();
            ArrayNode urls = o.putArray("urls");
            s.urls().forEach(urls::add);
            if (s.username() != null) o.put("username", s.username());
            if (s.credential() != null) o.put("credential", s.credential());
        }
        return list;
    }
}
