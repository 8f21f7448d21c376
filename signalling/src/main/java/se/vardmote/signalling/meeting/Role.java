package se.vardmote.signalling.meeting;

/** A participant's role in a visit. */
public enum Role {
    CLINICIAN, PATIENT, INTERPRETER, GUARDIAN;

    /**
     * Whether the participant counts toward a two-party visit's two: an interpreter, often on the phone, does
     * not, so that a clinician and a patient can always have one.
     */
    public boolean takesTwoPartySeat() {
        return this != INTERPRETER;
    }

    /** The name in JSON: lower case. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the JSON name; null when unknown. */
    public static Role fromWire(String name) {
        for (Role r : values()) if (r.wireName().equals(name)) return r;
        return null;
    }
}
