package se.vardmote.signalling.meeting;

/**
 * Two-party visits seat {@link #TWO_PARTY_SEATS} participants besides interpreters ({@link Role#takesTwoPartySeat()});
 * group visits allow up to the configured maximum.
 */
public enum MeetingKind {
    TWO_PARTY("two-party"), GROUP("group");

    /** Participants a two-party visit books and seats, interpreters not counted. */
    public static final int TWO_PARTY_SEATS = 2;

    private final String wireName;

    MeetingKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON: {@code two-party} or {@code group}. */
    public String wireName() {
        return wireName;
    }

    /** Parses the JSON name; null when unknown. */
    public static MeetingKind fromWire(String name) {
        for (MeetingKind k : values()) if (k.wireName.equals(name)) return k;
        return null;
    }
}
