package se.vardmote.signalling.meeting;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary input into the parsers added for issue 3: {@link MeetingChange#parse} and
 * {@link BookingRequest#parseParticipant} (PATCH and seat bodies, after Jackson) and the list cursor
 * ({@link MeetingPage.Cursor#decode}, a query parameter). The only acceptable failure is an
 * {@link InvalidBookingException} naming a field. Seeds in MeetingChangeFuzzTestInputs/; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
class MeetingChangeFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest
    void changeAndSeatParsersRejectOnlyWithInvalidBookingException(byte[] input) {
        if (input.length > 64 * 1024) return; // the HTTP layer never passes more
        JsonNode tree;
        try {
            tree = JSON.readTree(input);
        } catch (JacksonException e) {
            return;
        } catch (java.io.IOException e) {
            return;
        }
        try {
            MeetingChange c = MeetingChange.parse(tree);
            if (c.subject() == null && c.lobby() == null && c.startsAt() == null && c.durationMinutes() == null) {
                throw new AssertionError("an empty change was accepted");
            }
            if (c.subject() != null && SensitiveText.find(c.subject()).isPresent()) {
                throw new AssertionError("personal data accepted in a subject");
            }
        } catch (InvalidBookingException e) {
            if (e.field() == null || e.getMessage() == null) throw new AssertionError("unnamed field", e);
        }
        try {
            BookingRequest.ParticipantRequest p = BookingRequest.parseParticipant(tree);
            if (p.role() == null || SensitiveText.find(p.displayName()).isPresent()) {
                throw new AssertionError("bad seat accepted");
            }
        } catch (InvalidBookingException e) {
            if (e.field() == null || e.getMessage() == null) throw new AssertionError("unnamed field", e);
        }
    }

    @FuzzTest
    void cursorDecodeRejectsOnlyWithInvalidBookingException(byte[] input) {
        try {
            MeetingPage.Cursor c = MeetingPage.Cursor.decode(new String(input, StandardCharsets.UTF_8));
            if (!OpaqueId.looksValid(c.meetingId())) throw new AssertionError("bad id accepted");
        } catch (InvalidBookingException e) {
            if (!"cursor".equals(e.field())) throw new AssertionError("wrong field", e);
        }
    }
}
