package se.vardmote.signalling.meeting;

/** Two-party visits refuse a third participant; group visits allow up to the configured maximum. */
public enum MeetingKind {
    TWO_PARTY("two-party"), GROUP("group");

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
