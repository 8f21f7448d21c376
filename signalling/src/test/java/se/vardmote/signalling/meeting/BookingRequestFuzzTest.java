package se.vardmote.signalling.meeting;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Feeds arbitrary bytes through Jackson into {@link BookingRequest#parse}: the only acceptable failures are
 * Jackson's and {@link InvalidBookingException}. Seeds in BookingRequestFuzzTestInputs/; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
class BookingRequestFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest
    void parseRejectsOnlyWithInvalidBookingException(byte[] input) {
        JsonNode tree;
        try {
            tree = JSON.readTree(input);
        } catch (JacksonException e) {
            return;
        } catch (java.io.IOException e) {
            return;
        }
        try {
            BookingRequest r = BookingRequest.parse(tree);
            check(r);
        } catch (InvalidBookingException e) {
            if (e.field() == null || e.getMessage() == null) throw new AssertionError("unnamed field", e);
        }
    }

    @FuzzTest
    void rawBodyParseRejectsOnlyWithInvalidBookingException(byte[] input) {
        try {
            check(BookingRequest.parse(input));
        } catch (InvalidBookingException e) {
            if (e.field() == null || e.getMessage() == null) throw new AssertionError("unnamed field", e);
        }
    }

    /** Whatever parse accepts must respect the documented limits. */
    private static void check(BookingRequest r) {
        int subject = r.subject().codePointCount(0, r.subject().length());
        if (subject < 1 || subject > BookingRequest.MAX_SUBJECT_CHARS) throw new AssertionError("subject length");
        if (r.durationMinutes() < 5 || r.durationMinutes() > 480) throw new AssertionError("duration");
        if (r.participants().isEmpty() || r.participants().size() > BookingRequest.MAX_PARTICIPANTS) {
            throw new AssertionError("participants");
        }
        if (r.kind() == MeetingKind.TWO_PARTY
                && r.participants().stream().filter(p -> p.role().takesTwoPartySeat()).count() > 2) {
            throw new AssertionError("two-party");
        }
        for (BookingRequest.ParticipantRequest p : r.participants()) {
            if (p.role() == null || p.displayName().isEmpty()
                    || p.displayName().codePointCount(0, p.displayName().length()) > 100) {
                throw new AssertionError("participant");
            }
        }
    }
}
