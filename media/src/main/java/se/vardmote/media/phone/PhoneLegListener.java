package se.vardmote.media.phone;

/** What a phone leg reports. Called on the leg's event loop; implementations must not block. */
public interface PhoneLegListener {

    /**
     * One DTMF key press, from RFC 4733 telephone-event (de-duplicated by event timestamp). SIP INFO
     * digits arrive through signalling instead. Never log the digit.
     */
    void onDtmf(PhoneLeg leg, char digit);

    /** The leg closed (close() called, or the media plane shut down). */
    void onClosed(PhoneLeg leg, String reason);
}
