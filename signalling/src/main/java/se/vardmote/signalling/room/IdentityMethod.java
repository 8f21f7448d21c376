package se.vardmote.signalling.room;

/** How a clinician checked that the person on screen is who the seat was booked for. */
public enum IdentityMethod {
    /** A physical ID document shown to the camera. */
    ID_DOCUMENT("id-document"),
    /** A BankID identification done alongside the visit. */
    BANKID("bankid");

    private final String wireName;

    IdentityMethod(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON and in the audit detail. */
    public String wireName() {
        return wireName;
    }

    /** Parses the JSON name; null when unknown. */
    public static IdentityMethod fromWire(String name) {
        for (IdentityMethod m : values()) if (m.wireName.equals(name)) return m;
        return null;
    }
}
