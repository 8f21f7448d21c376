package se.vardmote.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import se.vardmote.signalling.meeting.MeetingKind;
import se.vardmote.signalling.meeting.Role;

/**
 * What this server can and cannot do, as {@code GET /api/capabilities} states it. Immutable.
 *
 * <p>Served without the API key: it holds nothing secret (no meetings, no people), and the web client and
 * booking systems both read it before they offer a feature. The "cannot" entries are fixed: there is no code
 * path for recording, chat, file sharing or data channels, and they are stated so that a buyer or an
 * auditor can read it from the server itself.
 *
 * @param dialIn               whether phone callers can dial in (SIP configured)
 * @param maxGroupParticipants the most people in a group visit at once
 * @param maxBookedParticipants the most seats one booking may hold
 */
public record Capabilities(boolean dialIn, int maxGroupParticipants, int maxBookedParticipants) {

    public static final String PATH = "/api/capabilities";

    public ObjectNode toJson() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("recording", false);
        out.put("chat", false);
        out.put("fileSharing", false);
        out.put("dataChannels", false);
        out.put("lobby", true);
        out.put("identityVerification", true);
        out.put("dialIn", dialIn);
        out.put("leaderPin", true);
        ArrayNode roles = out.putArray("roles");
        for (Role r : Role.values()) roles.add(r.wireName());
        ArrayNode kinds = out.putArray("meetingKinds");
        for (MeetingKind k : MeetingKind.values()) kinds.add(k.wireName());
        out.put("maxGroupParticipants", maxGroupParticipants);
        out.put("twoPartyParticipants", 2);
        out.put("maxBookedParticipants", maxBookedParticipants);
        ArrayNode methods = out.putArray("identityVerificationMethods");
        methods.add("id-document");
        methods.add("bankid");
        return out;
    }
}
