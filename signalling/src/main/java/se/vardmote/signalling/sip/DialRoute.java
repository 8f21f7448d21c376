package se.vardmote.signalling.sip;

import java.util.Locale;

/** How a call reached its meeting: recorded in the {@code dial_in} audit event. */
public enum DialRoute {
    /** The caller dialled an IVR number and keyed in the conference id. */
    IVR,
    /** The Request-URI's user part was the conference id itself. */
    DIRECT,
    /** A video-conference system dialled the video prefix followed by the conference id. */
    VIDEO_SYSTEM;

    /** {@code ivr}, {@code direct} or {@code video-system}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
