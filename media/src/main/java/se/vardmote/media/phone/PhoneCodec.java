package se.vardmote.media.phone;

/**
 * The codec a phone leg speaks, as negotiated in the SIP call's SDP (RTP/AVP).
 *
 * @param name        {@code PCMU}, {@code PCMA} or {@code opus}
 * @param payloadType as in the SDP
 * @param clockRate   8000 for G.711, 48000 for Opus
 */
public record PhoneCodec(String name, int payloadType, int clockRate) {
    public static final PhoneCodec PCMU = new PhoneCodec("PCMU", 0, 8000);
    public static final PhoneCodec PCMA = new PhoneCodec("PCMA", 8, 8000);
}
