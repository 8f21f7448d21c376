package se.vardmote.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import se.vardmote.signalling.meeting.BookingRequest;
import se.vardmote.signalling.meeting.MeetingService;

/**
 * What the booking API needs from the meeting store, as JSON ready to send. Implementations may block
 * (database): {@link MeetingApi} calls them off the event loop.
 */
public interface Bookings {

    /** Books the meeting and returns its description ({@link MeetingService#describe}). */
    ObjectNode book(BookingRequest request);

    /** The description of a booked meeting, if there is one with this id. */
    Optional<ObjectNode> describe(String meetingId);

    /** The real thing. */
    static Bookings of(MeetingService meetings) {
        return new Bookings() {
            @Override
            public ObjectNode book(BookingRequest request) {
                return meetings.describe(meetings.book(request));
            }

            @Override
            public Optional<ObjectNode> describe(String meetingId) {
                return meetings.find(meetingId).map(meetings::describe);
            }
        };
    }
}
