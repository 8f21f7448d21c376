package se.vardmote.server.metrics;

/**
 * The tags one participant gauge carries: a role ({@code clinician}, {@code patient}, {@code guardian},
 * {@code interpreter}) and how the participant is connected ({@code video}: a browser over WebRTC;
 * {@code phone}: a SIP leg). Fixed vocabularies only — never a name, number or meeting id. Immutable.
 */
public record ParticipantGroup(String role, String transport) {

    public static final String VIDEO = "video";
    public static final String PHONE = "phone";

    public ParticipantGroup {
        if (role == null || role.isBlank() || transport == null || transport.isBlank()) {
            throw new IllegalArgumentException("role and transport are required");
        }
    }
}
