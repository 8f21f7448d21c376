package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated booking, as POSTed to /api/meetings. Immutable.
 *
 * <p>The wire contract, which outside booking systems rely on:
 * <pre>{@code
 * {"subject":"AB-82 Videobesök","kind":"two-party"|"group","lobby":true|false,
 *  "startsAt":"2026-12-01T09:00:00+01:00","durationMinutes":30,
 *  "participants":[{"role":"clinician"|"patient"|"interpreter"|"guardian","displayName":"..."}]}
 * }</pre>
 * {@code lobby} is optional (default true); unknown fields are ignored so that clients may send more than
 * we read. Strings are trimmed; control characters, bidirectional overrides and lone surrogates are refused
 * because display names are shown to other participants. {@code startsAt} is kept to whole seconds.
 * {@code subject} and {@code displayName} must not carry a personal identity number, a coordination number or
 * an e-mail address ({@link SensitiveText}); such a field is refused with code
 * {@link InvalidBookingException#SENSITIVE_DATA}.
 */
public record BookingRequest(
        String subject,
        MeetingKind kind,
        boolean lobby,
        Instant startsAt,
        int durationMinutes,
        List<ParticipantRequest> participants) {

    public static final int MAX_SUBJECT_CHARS = 200;
    public static final int MAX_DISPLAY_NAME_CHARS = 100;
    public static final int MIN_DURATION_MINUTES = 5;
    public static final int MAX_DURATION_MINUTES = 480;
    public static final int MAX_PARTICIPANTS = 20;
    /** Largest body {@link #parse(byte[])} reads: 20 seats of long names fit several times over. */
    public static final int MAX_BODY_BYTES = 32 * 1024;

    private static final int MAX_TIMESTAMP_CHARS = 64;
    private static final Instant EARLIEST_START = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST_START = Instant.parse("9999-01-01T00:00:00Z");

    /**
     * Parses request bodies: shallow nesting and short strings are all a booking needs. A repeated key is an
     * error rather than "last one wins", so that we never book something other than what a proxy or the
     * booking system's own logs saw.
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(MAX_BODY_BYTES)
                    .maxNumberLength(32)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public BookingRequest {
        participants = List.copyOf(participants);
    }

    public record ParticipantRequest(Role role, String displayName) {
    }

    /**
     * Validates a JSON body.
     *
     * @throws InvalidBookingException naming the first offending field (e.g. {@code participants[1].role})
     */
    public static BookingRequest parse(JsonNode body) throws InvalidBookingException {
        if (body == null || !body.isObject()) {
            throw new InvalidBookingException("body", "the body must be a JSON object with subject, kind, startsAt, "
                    + "durationMinutes and participants");
        }
        String subject = text(body, "subject", "subject", MAX_SUBJECT_CHARS);
        MeetingKind kind = kind(body);
        boolean lobby = lobby(body);
        Instant startsAt = startsAt(body);
        int durationMinutes = durationMinutes(body);
        List<ParticipantRequest> participants = participants(body, kind);
        return new BookingRequest(subject, kind, lobby, startsAt, durationMinutes, participants);
    }

    /**
     * Parses and validates a raw UTF-8 request body of at most {@link #MAX_BODY_BYTES}.
     *
     * @throws InvalidBookingException with field {@code body} when the body is too large or not JSON, else as
     *     {@link #parse(JsonNode)}
     */
    public static BookingRequest parse(byte[] utf8Body) throws InvalidBookingException {
        if (utf8Body == null || utf8Body.length == 0) {
            throw new InvalidBookingException("body", "the body is empty: send the booking as a JSON object");
        }
        if (utf8Body.length > MAX_BODY_BYTES) {
            throw new InvalidBookingException("body", "the body is " + utf8Body.length + " bytes; at most "
                    + MAX_BODY_BYTES + " are accepted");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(utf8Body);
        } catch (JsonProcessingException e) {
            // Jackson's own message is precise but may quote the body; give the position only.
            var where = e.getLocation();
            throw new InvalidBookingException("body", where == null
                    ? "the body is not valid JSON, or nests deeper or runs longer than a booking can"
                    : "the body is not valid JSON (near line " + where.getLineNr() + ", column "
                            + where.getColumnNr() + ")");
        } catch (IOException e) {
            throw new InvalidBookingException("body", "the body could not be read as JSON");
        }
        return parse(tree);
    }

    private static MeetingKind kind(JsonNode body) throws InvalidBookingException {
        JsonNode node = body.get("kind");
        if (node == null || node.isNull()) {
            throw new InvalidBookingException("kind", "kind is required: \"two-party\" or \"group\"");
        }
        MeetingKind kind = node.isTextual() ? MeetingKind.fromWire(node.textValue().trim()) : null;
        if (kind == null) {
            throw new InvalidBookingException("kind", "kind must be \"two-party\" or \"group\"");
        }
        return kind;
    }

    static boolean lobby(JsonNode body) throws InvalidBookingException {
        JsonNode node = body.get("lobby");
        if (node == null || node.isNull()) return true; // patients wait until the clinician lets them in
        if (!node.isBoolean()) {
            throw new InvalidBookingException("lobby", "lobby must be true or false (or left out, meaning true)");
        }
        return node.booleanValue();
    }

    static Instant startsAt(JsonNode body) throws InvalidBookingException {
        JsonNode node = body.get("startsAt");
        if (node == null || node.isNull()) {
            throw new InvalidBookingException("startsAt",
                    "startsAt is required: an ISO-8601 time with offset, e.g. \"2026-12-01T09:00:00+01:00\"");
        }
        if (!node.isTextual() || node.textValue().length() > MAX_TIMESTAMP_CHARS) {
            throw new InvalidBookingException("startsAt",
                    "startsAt must be an ISO-8601 time with offset, e.g. \"2026-12-01T09:00:00+01:00\"");
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(node.textValue().trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidBookingException("startsAt", "startsAt must be an ISO-8601 time with offset "
                    + "(Z or +01:00), e.g. \"2026-12-01T09:00:00+01:00\"");
        }
        if (instant.isBefore(EARLIEST_START) || !instant.isBefore(LATEST_START)) {
            throw new InvalidBookingException("startsAt", "startsAt must lie between the years 2000 and 9998");
        }
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    static int durationMinutes(JsonNode body) throws InvalidBookingException {
        JsonNode node = body.get("durationMinutes");
        String expectation = "durationMinutes must be a whole number from " + MIN_DURATION_MINUTES + " to "
                + MAX_DURATION_MINUTES;
        if (node == null || node.isNull()) {
            throw new InvalidBookingException("durationMinutes", "durationMinutes is required; " + expectation);
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidBookingException("durationMinutes", expectation);
        }
        int minutes = node.intValue();
        if (minutes < MIN_DURATION_MINUTES || minutes > MAX_DURATION_MINUTES) {
            throw new InvalidBookingException("durationMinutes", expectation + "; got " + minutes);
        }
        return minutes;
    }

    private static List<ParticipantRequest> participants(JsonNode body, MeetingKind kind)
            throws InvalidBookingException {
        JsonNode node = body.get("participants");
        if (node == null || node.isNull() || !node.isArray()) {
            throw new InvalidBookingException("participants",
                    "participants must be an array of {\"role\", \"displayName\"} objects");
        }
        int max = MAX_PARTICIPANTS;
        if (node.isEmpty()) {
            throw new InvalidBookingException("participants", "participants must name at least one participant");
        }
        if (node.size() > max) {
            throw new InvalidBookingException("participants",
                    "a visit books at most " + MAX_PARTICIPANTS + " participants; got " + node.size());
        }
        List<ParticipantRequest> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String prefix = "participants[" + i + "]";
            JsonNode p = node.get(i);
            if (!p.isObject()) {
                throw new InvalidBookingException(prefix, prefix + " must be an object with role and displayName");
            }
            result.add(participant(p, prefix + "."));
        }
        long seated = result.stream().filter(p -> p.role().takesTwoPartySeat()).count();
        if (kind == MeetingKind.TWO_PARTY && seated > MeetingKind.TWO_PARTY_SEATS) {
            // The room would refuse the third with room_full: refuse the booking instead.
            throw new InvalidBookingException("participants", "a two-party visit seats "
                    + MeetingKind.TWO_PARTY_SEATS + " participants besides interpreters; got " + seated
                    + ". Book a group visit for more", InvalidBookingException.TOO_MANY_PARTICIPANTS);
        }
        return result;
    }

    /**
     * Validates one seat, as POSTed to {@code /api/meetings/{id}/participants}: {@code {"role","displayName"}}.
     *
     * @throws InvalidBookingException naming {@code role} or {@code displayName} (or {@code body})
     */
    public static ParticipantRequest parseParticipant(JsonNode body) throws InvalidBookingException {
        if (body == null || !body.isObject()) {
            throw new InvalidBookingException("body", "the body must be a JSON object with role and displayName");
        }
        return participant(body, "");
    }

    private static ParticipantRequest participant(JsonNode p, String prefix) throws InvalidBookingException {
        JsonNode roleNode = p.get("role");
        Role role = roleNode != null && roleNode.isTextual() ? Role.fromWire(roleNode.textValue().trim()) : null;
        if (role == null) {
            throw new InvalidBookingException(prefix + "role",
                    prefix + "role must be one of \"clinician\", \"patient\", \"interpreter\", \"guardian\"");
        }
        String displayName = text(p, "displayName", prefix + "displayName", MAX_DISPLAY_NAME_CHARS);
        return new ParticipantRequest(role, displayName);
    }

    /** A required string field, trimmed, 1..max characters, free of characters that could mislead a reader. */
    static String text(JsonNode parent, String name, String field, int maxChars)
            throws InvalidBookingException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidBookingException(field, field + " is required: a text of 1 to " + maxChars
                    + " characters");
        }
        if (!node.isTextual()) {
            throw new InvalidBookingException(field, field + " must be a string of 1 to " + maxChars
                    + " characters");
        }
        String value = node.textValue().strip();
        if (value.isEmpty()) {
            throw new InvalidBookingException(field, field + " must not be empty or only spaces");
        }
        int chars = value.codePointCount(0, value.length());
        if (chars > maxChars) {
            throw new InvalidBookingException(field, field + " must be at most " + maxChars
                    + " characters; got " + chars);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (isRefused(cp)) {
                throw new InvalidBookingException(field, field + " contains a control or formatting character "
                        + String.format("(U+%04X at position %d); send plain text on one line", cp, i));
            }
            i += Character.charCount(cp);
        }
        var finding = SensitiveText.find(value);
        if (finding.isPresent()) {
            // Never quote the value: it is the very thing that must not spread.
            throw new InvalidBookingException(field, field + " contains what looks like "
                    + finding.get().description() + ". Invitations must not carry personal data: use initials "
                    + "and birth year instead, e.g. \"AB-82 Videobesök\"", InvalidBookingException.SENSITIVE_DATA);
        }
        return value;
    }

    /**
     * Control characters (C0, C1, line/paragraph separators), bidirectional overrides and isolates (the "Trojan
     * Source" trick, CVE-2021-42574: they reorder how a name reads) and unpaired surrogates, which are not text
     * and which PostgreSQL refuses to store.
     */
    private static boolean isRefused(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED && cp >= 0xFFFE && (cp & 0xFFFE) == 0xFFFE // noncharacters
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x200E || cp == 0x200F || cp == 0x061C;
    }
}
