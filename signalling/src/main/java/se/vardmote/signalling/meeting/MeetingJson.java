package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import se.vardmote.signalling.token.TokenService;

/**
 * The booking API's JSON views of a meeting, with join links that carry fresh tokens. Stateless apart from its
 * settings; any thread. {@link MeetingService#describe} and its siblings are the way in.
 */
final class MeetingJson {

    private final TokenService tokens;
    private final String publicUrl;
    private final MeetingRules rules;

    /** @param publicUrl base of join links, without trailing slash */
    MeetingJson(TokenService tokens, String publicUrl, MeetingRules rules) {
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.rules = rules;
    }

    /**
     * {@code meetingId, conferenceId, subject, kind, lobby, startsAt, durationMinutes, status,
     * participants[{participantId, role, displayName, joinUrl}], checkUrl} where joinUrl is {@code <publicUrl>/join#<token>}
     * and checkUrl {@code <publicUrl>/check}: the pre-call check without a token, for invitations ("test picture and
     * sound before the visit"); it carries nothing of the meeting.
     *
     * <p>Each call issues fresh tokens, valid until the meeting's end plus the join grace. The token rides in
     * the fragment so that it never reaches a server log or a Referer header. A cancelled meeting's seats
     * carry no {@code joinUrl}.
     */
    ObjectNode describe(Meeting meeting) {
        ObjectNode out = summarize(meeting);
        ArrayNode participants = out.putArray("participants");
        for (Participant p : meeting.participants()) {
            ObjectNode seat = describeSeat(meeting, p);
            // A cancelled visit can never be joined: hand out no tokens for it.
            if (meeting.isCancelled()) seat.remove("joinUrl");
            participants.add(seat);
        }
        out.put("checkUrl", publicUrl + "/check");
        return out;
    }

    /** {@link #describe} plus {@code leaderPin}: the answer to a booking, the only one that carries the PIN. */
    ObjectNode describe(NewBooking booking) {
        ObjectNode out = describe(booking.meeting());
        out.put("leaderPin", booking.leaderPin());
        return out;
    }

    /** One seat as in {@link #describe}: {@code participantId, role, displayName, joinUrl}. */
    ObjectNode describeSeat(Meeting meeting, Participant p) {
        ObjectNode seat = JsonNodeFactory.instance.objectNode();
        seat.put("participantId", p.participantId());
        seat.put("role", p.role().wireName());
        seat.put("displayName", p.displayName());
        Instant tokenExpiry = meeting.endsAt().plus(rules.joinGrace());
        String token = tokens.issue(meeting.meetingId(), p.participantId(), p.role(), tokenExpiry);
        seat.put("joinUrl", publicUrl + "/join#" + token);
        return seat;
    }

    /**
     * The meeting without join links, for listings: {@code meetingId, conferenceId, subject, kind, lobby,
     * startsAt, durationMinutes, status} (callers add {@code participants}).
     */
    ObjectNode summarize(Meeting meeting) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("meetingId", meeting.meetingId());
        out.put("conferenceId", meeting.conferenceId());
        out.put("subject", meeting.subject());
        out.put("kind", meeting.kind().wireName());
        out.put("lobby", meeting.lobby());
        out.put("startsAt", meeting.startsAt().toString());
        out.put("durationMinutes", meeting.durationMinutes());
        out.put("status", meeting.status().wireName());
        return out;
    }
}
