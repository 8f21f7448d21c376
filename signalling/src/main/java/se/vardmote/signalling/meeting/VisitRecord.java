package se.vardmote.signalling.meeting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a clinic registers as a visit in the patient record system, computed from a meeting's audit events
 * alone (so it survives restarts and reads the same on every node). Immutable.
 *
 * <p>How the events are read:
 * <ul>
 *   <li>{@code joined} opens a presence interval for its participant; its detail says how
 *       ({@code video}, {@code audio}, {@code phone}). A second {@code joined} while one is open (a rejoin
 *       that replaced a dropped connection) closes the first at that moment and opens a new one.</li>
 *   <li>{@code left}, {@code removed} and {@code denied} close the participant's open interval;
 *       {@code ended} closes every open interval and ends the visit.</li>
 *   <li>{@code dial_in} adds {@code phone} to how the participant joined.</li>
 *   <li>{@code identity_verified} records the method (its detail: {@code id-document} or {@code bankid}).</li>
 * </ul>
 * The actual start is the first {@code joined}; the actual end is the last {@code ended}, or else, when nobody
 * is present any more, the last departure; null while the visit is still going on. No names: participants
 * are identified by id and role, like the audit log.
 *
 * @param participants booked seats in booking order, then anyone else seen in the events
 */
public record VisitRecord(String meetingId, Instant actualStart, Instant actualEnd, boolean interpreterTookPart,
                          List<Attendance> participants) {

    private static final Set<String> JOIN_METHODS = Set.of("video", "audio", "phone");

    public VisitRecord {
        participants = List.copyOf(participants);
    }

    /** One presence: from joining until leaving (null while still present). */
    public record Interval(Instant joinedAt, Instant leftAt) {
    }

    /**
     * @param joinedVia              distinct ways the participant joined, in order of first use
     * @param identityVerifiedMethod {@code id-document} or {@code bankid}, or null when not verified
     */
    public record Attendance(String participantId, Role role, List<String> joinedVia, List<Interval> intervals,
                             String identityVerifiedMethod, Instant identityVerifiedAt) {
        public Attendance {
            joinedVia = List.copyOf(joinedVia);
            intervals = List.copyOf(intervals);
        }

        public boolean attended() {
            return !intervals.isEmpty();
        }
    }

    /** The visit's length from actual start to actual end; null while it goes on or if nobody joined. */
    public Duration duration() {
        return actualStart == null || actualEnd == null ? null : Duration.between(actualStart, actualEnd);
    }

    /** Builds the record from the booking and its events (in the order they happened). */
    public static VisitRecord of(Meeting meeting, List<AuditEvent> events) {
        Map<String, Builder> people = new LinkedHashMap<>();
        for (Participant p : meeting.participants()) people.put(p.participantId(), new Builder(p.role()));
        Instant start = null;
        Instant ended = null;
        Instant lastDeparture = null;
        for (AuditEvent e : events) {
            Builder b = null;
            if (e.participantId() != null) {
                b = people.computeIfAbsent(e.participantId(), id -> new Builder(e.role()));
                if (b.role == null) b.role = e.role();
            }
            switch (e.action()) {
                case JOINED -> {
                    if (b == null) break;
                    if (start == null) start = e.at();
                    b.close(e.at());
                    b.openedAt = e.at();
                    b.via(e.detail());
                }
                case DIAL_IN -> {
                    if (b != null) b.via("phone");
                }
                case LEFT, REMOVED, DENIED -> {
                    if (b != null && b.close(e.at())) lastDeparture = e.at();
                }
                case IDENTITY_VERIFIED -> {
                    if (b != null) {
                        b.verifiedMethod = e.detail();
                        b.verifiedAt = e.at();
                    }
                }
                case ENDED -> {
                    for (Builder other : people.values()) other.close(e.at());
                    ended = e.at();
                }
                default -> {
                }
            }
        }
        boolean anyonePresent = people.values().stream().anyMatch(b -> b.openedAt != null);
        Instant end = ended != null ? ended : (start != null && !anyonePresent ? lastDeparture : null);
        List<Attendance> out = new ArrayList<>(people.size());
        boolean interpreter = false;
        for (Map.Entry<String, Builder> entry : people.entrySet()) {
            Builder b = entry.getValue();
            List<Interval> intervals = new ArrayList<>(b.intervals);
            if (b.openedAt != null) intervals.add(new Interval(b.openedAt, null));
            if (b.role == Role.INTERPRETER && !intervals.isEmpty()) interpreter = true;
            out.add(new Attendance(entry.getKey(), b.role, b.via, intervals, b.verifiedMethod, b.verifiedAt));
        }
        return new VisitRecord(meeting.meetingId(), start, end, interpreter, out);
    }

    /**
     * The API's JSON: {@code meetingId, actualStart, actualEnd, durationSeconds, durationMinutes,
     * interpreterTookPart, participants[{participantId, role, attended, joinedVia[], intervals[{joinedAt,
     * leftAt}], identityVerified: null | {method, at}}]}. Times are ISO-8601 UTC; unknowns are null.
     */
    public ObjectNode toJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.put("meetingId", meetingId);
        putTime(out, "actualStart", actualStart);
        putTime(out, "actualEnd", actualEnd);
        Duration d = duration();
        if (d == null) {
            out.putNull("durationSeconds");
            out.putNull("durationMinutes");
        } else {
            out.put("durationSeconds", d.getSeconds());
            // Rounded to the nearest minute, as visits are registered.
            out.put("durationMinutes", (d.getSeconds() + 30) / 60);
        }
        out.put("interpreterTookPart", interpreterTookPart);
        ArrayNode list = out.putArray("participants");
        for (Attendance a : participants) {
            ObjectNode p = list.addObject();
            p.put("participantId", a.participantId());
            if (a.role() == null) p.putNull("role");
            else p.put("role", a.role().wireName());
            p.put("attended", a.attended());
            ArrayNode via = p.putArray("joinedVia");
            a.joinedVia().forEach(via::add);
            ArrayNode intervals = p.putArray("intervals");
            for (Interval i : a.intervals()) {
                ObjectNode o = intervals.addObject();
                putTime(o, "joinedAt", i.joinedAt());
                putTime(o, "leftAt", i.leftAt());
            }
            if (a.identityVerifiedMethod() == null) {
                p.putNull("identityVerified");
            } else {
                ObjectNode v = p.putObject("identityVerified");
                v.put("method", a.identityVerifiedMethod());
                putTime(v, "at", a.identityVerifiedAt());
            }
        }
        return out;
    }

    private static void putTime(ObjectNode node, String name, Instant t) {
        if (t == null) node.putNull(name);
        else node.put(name, t.toString());
    }

    /** Mutable accumulation for one participant while the events are read; local to {@link #of}. */
    private static final class Builder {
        Role role;
        final List<String> via = new ArrayList<>();
        final List<Interval> intervals = new ArrayList<>();
        Instant openedAt;
        String verifiedMethod;
        Instant verifiedAt;

        Builder(Role role) {
            this.role = role;
        }

        void via(String detail) {
            if (detail != null && JOIN_METHODS.contains(detail) && !via.contains(detail)) via.add(detail);
        }

        /** Closes the open interval at {@code at}; whether there was one. */
        boolean close(Instant at) {
            if (openedAt == null) return false;
            intervals.add(new Interval(openedAt, at));
            openedAt = null;
            return true;
        }
    }
}
