package se.vardmote.signalling.room;

/** How a participant reached the room: a browser (WebRTC) or a telephone through the SIP gateway. */
public enum JoinedVia {
    VIDEO, PHONE;

    /** The name in JSON and in audit details: {@code video} or {@code phone}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
