package se.vardmote.signalling.meeting;

/** A participant's role in a visit. */
public enum Role {
    CLINICIAN, PATIENT, INTERPRETER, GUARDIAN;

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
