package se.vardmote.signalling.meeting;

/** Where a booking stands. The wire name is the lower-case name. */
public enum MeetingStatus {
    /** Booked (possibly rescheduled): joinable within its window. */
    BOOKED,
    /** Cancelled through the booking API: never joinable again; its conference id stays reserved. */
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the wire name; null when unknown. */
    public static MeetingStatus fromWire(String name) {
        for (MeetingStatus s : values()) if (s.wireName().equals(name)) return s;
        return null;
    }
}
