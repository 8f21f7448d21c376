package se.vardmote.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import se.vardmote.signalling.meeting.AuditEvent;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.ChangeRefusedException;
import se.vardmote.signalling.meeting.InvalidBookingException;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.MeetingChange;
import se.vardmote.signalling.meeting.MeetingPage;
import se.vardmote.signalling.meeting.MeetingService;
import se.vardmote.signalling.meeting.Participant;

/**
 * What the booking API needs from the meeting store, as JSON ready to send. Implementations may block
 * (database): {@link MeetingApi} calls them off the event loop.
 *
 * <p>The methods added in issue 3 have defaults that throw {@link UnsupportedOperationException} (HTTP 500),
 * so that test doubles written for the first two keep compiling. The refusals are
 * {@link ChangeRefusedException}s: their reason maps to 404 or 409.
 */
public interface Bookings {

    /** Books the meeting and returns its description ({@link MeetingService#describe}), with the leader PIN. */
    ObjectNode book(BookingRequest request);

    /** The description of a booked meeting, if there is one with this id. */
    Optional<ObjectNode> describe(String meetingId);

    /** Applies a PATCH and returns the new description. */
    default ObjectNode change(String meetingId, MeetingChange change) {
        throw new UnsupportedOperationException("change");
    }

    /** Cancels the meeting and returns its summary (status cancelled, no join links). */
    default ObjectNode cancel(String meetingId) {
        throw new UnsupportedOperationException("cancel");
    }

    /** {@code {"meetings":[summary + participants without links], "nextCursor": ...}}. */
    default ObjectNode list(Instant from, Instant to, String cursor, int limit) throws InvalidBookingException {
        throw new UnsupportedOperationException("list");
    }

    /** Adds a seat and returns it with its join link. */
    default ObjectNode addParticipant(String meetingId, BookingRequest.ParticipantRequest seat) {
        throw new UnsupportedOperationException("addParticipant");
    }

    default void removeParticipant(String meetingId, String participantId) {
        throw new UnsupportedOperationException("removeParticipant");
    }

    /** {@code [{"at","participantId","role","action","detail"}]}. */
    default ArrayNode audit(String meetingId) {
        throw new UnsupportedOperationException("audit");
    }

    /** The visit record ({@link se.vardmote.signalling.meeting.VisitRecord#toJson()}). */
    default ObjectNode record(String meetingId) {
        throw new UnsupportedOperationException("record");
    }

    /** The real thing. */
    static Bookings of(MeetingService meetings) {
        return new Bookings() {
            @Override
            public ObjectNode book(BookingRequest request) {
                return meetings.describe(meetings.bookWithLeaderPin(request));
            }

            @Override
            public Optional<ObjectNode> describe(String meetingId) {
                return meetings.find(meetingId).map(meetings::describe);
            }

            @Override
            public ObjectNode change(String meetingId, MeetingChange change) {
                return meetings.describe(meetings.change(meetingId, change));
            }

            @Override
            public ObjectNode cancel(String meetingId) {
                return withSeats(meetings.cancel(meetingId));
            }

            @Override
            public ObjectNode list(Instant from, Instant to, String cursor, int limit) throws InvalidBookingException {
                MeetingPage page = meetings.list(from, to, cursor, limit);
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                ArrayNode list = out.putArray("meetings");
                for (Meeting m : page.meetings()) list.add(withSeats(m));
                if (page.nextCursor() == null) out.putNull("nextCursor");
                else out.put("nextCursor", page.nextCursor());
                return out;
            }

            @Override
            public ObjectNode addParticipant(String meetingId, BookingRequest.ParticipantRequest seat) {
                Participant added = meetings.addParticipant(meetingId, seat);
                Meeting m = meetings.find(meetingId).orElseThrow(() -> new ChangeRefusedException(
                        ChangeRefusedException.Reason.MEETING_NOT_FOUND, "no meeting with that id"));
                return meetings.describeSeat(m, added);
            }

            @Override
            public void removeParticipant(String meetingId, String participantId) {
                meetings.removeParticipant(meetingId, participantId);
            }

            @Override
            public ArrayNode audit(String meetingId) {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                for (AuditEvent e : meetings.auditEvents(meetingId).orElseThrow(Bookings::notFound)) {
                    ObjectNode o = out.addObject();
                    o.put("at", e.at().toString());
                    o.put("participantId", e.participantId());
                    o.put("role", e.role() == null ? null : e.role().wireName());
                    o.put("action", e.action().wireName());
                    o.put("detail", e.detail());
                }
                return out;
            }

            @Override
            public ObjectNode record(String meetingId) {
                return meetings.visitRecord(meetingId).orElseThrow(Bookings::notFound).toJson();
            }

            /** Summary plus seats without join links: listings and cancellations hand out no tokens. */
            private ObjectNode withSeats(Meeting m) {
                ObjectNode o = meetings.summarize(m);
                ArrayNode seats = o.putArray("participants");
                for (Participant p : m.participants()) {
                    seats.addObject().put("participantId", p.participantId()).put("role", p.role().wireName())
                            .put("displayName", p.displayName());
                }
                return o;
            }
        };
    }

    private static ChangeRefusedException notFound() {
        return new ChangeRefusedException(ChangeRefusedException.Reason.MEETING_NOT_FOUND, "no meeting with that id");
    }
}
