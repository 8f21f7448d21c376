package se.vardmote.signalling.sip;

/**
 * Chooses the codec for a phone call from a gateway's offer and writes the SDP answer (RFC 3264) for
 * the call's media. Immutable; any thread.
 *
 * <p>Choice: Opus 48000/2 when offered and preferred by config, else PCMA or PCMU in the offer's order
 * (both are G.711; the gateway's preference wins). telephone-event (RFC 4733) at the chosen codec's clock
 * rate is answered when offered, with {@code a=fmtp:<pt> 0-16}: digits, {@code *}, {@code #}, A–D, flash.
 *
 * @param codecName                 {@code PCMU}, {@code PCMA} or {@code opus}
 * @param payloadType               the codec's payload type as offered
 * @param clockRate                 8000 or 48000
 * @param telephoneEventPayloadType -1 when the offer has none at that rate
 */
public record PhoneSdpAnswer(String codecName, int payloadType, int clockRate, int telephoneEventPayloadType) {

    /** The codec to answer with, or null when the offer has nothing we speak (the server answers 488). */
    public static PhoneSdpAnswer choose(PhoneSdpOffer offer, boolean preferOpus) {
        PhoneSdpOffer.Format chosen = null;
        if (preferOpus) chosen = offer.find("opus", 48000);
        if (chosen == null) {
            for (PhoneSdpOffer.Format f : offer.formats()) {
                if (f.encoding() != null && f.clockRate() == 8000
                        && (f.encoding().equalsIgnoreCase("PCMU") || f.encoding().equalsIgnoreCase("PCMA"))) {
                    chosen = f;
                    break;
                }
            }
        }
        if (chosen == null) chosen = offer.find("opus", 48000);
        if (chosen == null) return null;
        String name = chosen.encoding().equalsIgnoreCase("opus") ? "opus" : chosen.encoding().toUpperCase(java.util.Locale.ROOT);
        PhoneSdpOffer.Format te = offer.find("telephone-event", chosen.clockRate());
        return new PhoneSdpAnswer(name, chosen.payloadType(), chosen.clockRate(), te == null ? -1 : te.payloadType());
    }

    /** The RFC 3264 §6.1 answer direction for an offer's direction (hold: sendonly → recvonly). */
    public static String answerDirection(String offerDirection) {
        return switch (offerDirection) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
    }

    /**
     * The answer's text.
     *
     * @param sessionVersion o= version: increase it on every new answer in the dialog (re-INVITE)
     */
    public String write(String address, int port, long sessionId, long sessionVersion, String direction) {
        String ipVersion = address.indexOf(':') >= 0 ? "IP6" : "IP4";
        StringBuilder sb = new StringBuilder(320);
        sb.append("v=0\r\n");
        sb.append("o=vardmote ").append(sessionId).append(' ').append(sessionVersion).append(" IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        sb.append("s=vardmote\r\n");
        sb.append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        sb.append("t=0 0\r\n");
        sb.append("m=audio ").append(port).append(" RTP/AVP ").append(payloadType);
        if (telephoneEventPayloadType >= 0) sb.append(' ').append(telephoneEventPayloadType);
        sb.append("\r\n");
        if (codecName.equals("opus")) {
            sb.append("a=rtpmap:").append(payloadType).append(" opus/48000/2\r\n");
        } else {
            sb.append("a=rtpmap:").append(payloadType).append(' ').append(codecName).append("/8000\r\n");
        }
        if (telephoneEventPayloadType >= 0) {
            sb.append("a=rtpmap:").append(telephoneEventPayloadType).append(" telephone-event/").append(clockRate).append("\r\n");
            sb.append("a=fmtp:").append(telephoneEventPayloadType).append(" 0-16\r\n");
        }
        sb.append("a=ptime:20\r\n");
        sb.append("a=").append(direction).append("\r\n");
        return sb.toString();
    }
}
