package se.vardmote.signalling.meeting;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * One page of {@link MeetingService#list}: meetings ordered by start time (then id), and the cursor of the next
 * page, null on the last one. Immutable.
 *
 * <p>The cursor is opaque to callers: base64url of {@code <epoch seconds of startsAt>:<meetingId>} of the last
 * meeting on the page (keyset pagination: no page shifts when meetings are booked meanwhile).
 */
public record MeetingPage(List<Meeting> meetings, String nextCursor) {

    /** The longest cursor accepted: 20 digits, a colon and a 22-character id, base64-encoded. */
    static final int MAX_CURSOR_CHARS = 80;

    public MeetingPage {
        meetings = List.copyOf(meetings);
    }

    /** A decoded cursor: continue after this start time and id. */
    record Cursor(Instant startsAt, String meetingId) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (startsAt.getEpochSecond() + ":" + meetingId).getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws InvalidBookingException with field {@code cursor} when it is not one we handed out */
        static Cursor decode(String cursor) throws InvalidBookingException {
            InvalidBookingException bad = new InvalidBookingException("cursor",
                    "cursor is not valid: pass the nextCursor of the previous page unchanged");
            if (cursor.length() > MAX_CURSOR_CHARS) throw bad;
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
                int colon = text.indexOf(':');
                if (colon <= 0) throw bad;
                long seconds = Long.parseLong(text.substring(0, colon));
                String id = text.substring(colon + 1);
                if (!OpaqueId.looksValid(id)) throw bad;
                return new Cursor(Instant.ofEpochSecond(seconds), id);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw bad;
            }
        }
    }
}
