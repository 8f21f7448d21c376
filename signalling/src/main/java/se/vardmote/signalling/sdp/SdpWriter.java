package se.vardmote.signalling.sdp;

import java.util.Locale;
import se.vardmote.media.IceCandidate;

/**
 * The text of one SDP the server writes: lines ending in CRLF (RFC 8866 §5), and the transport lines
 * every section of ours carries. Refuses values that would break a line (CR, LF, other controls), so a
 * caller-supplied id can never inject an attribute. One per SDP; confined to the calling thread.
 */
final class SdpWriter {
    private final StringBuilder text = new StringBuilder(2048);

    SdpWriter line(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            // RFC 8866 §9: a line may hold any byte but NUL, CR and LF; we refuse other controls too, TAB aside.
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("a control character in an SDP line");
            }
        }
        text.append(line).append("\r\n");
        return this;
    }

    /** The session lines up to t= (RFC 8866 §5.1-5.9). */
    SdpWriter sessionHeader(String sessionId, String version) {
        return line("v=0")
                .line("o=- " + sessionId + " " + version + " IN IP4 0.0.0.0")
                .line("s=-")
                .line("t=0 0");
    }

    /**
     * c= with the address of the first candidate, as JSEP §5.3.1 does (0.0.0.0 when there is none), then
     * ice-ufrag, ice-pwd, fingerprint and setup: each section repeats them, which BUNDLE allows and every
     * browser parses.
     */
    SdpWriter transport(LocalTransport local, String setup) {
        line("c=" + connectionAddress(local));
        line("a=ice-ufrag:" + requireNonBlank(local.ufrag(), "ufrag"));
        line("a=ice-pwd:" + requireNonBlank(local.password(), "password"));
        line("a=fingerprint:sha-256 " + fingerprintValue(local));
        return line("a=setup:" + setup);
    }

    /** a=candidate for each local candidate (RFC 8839 §5.1), then a=end-of-candidates: we never trickle. */
    SdpWriter candidates(LocalTransport local) {
        for (IceCandidate c : local.candidates()) {
            line("a=candidate:" + c.toSdpAttribute());
        }
        return line("a=end-of-candidates");
    }

    /** The port of the first candidate; 9 (discard, JSEP §5.2.1) when there is none. */
    static int port(LocalTransport local) {
        return local.candidates().isEmpty() ? 9 : local.candidates().get(0).port();
    }

    private static String connectionAddress(LocalTransport local) {
        if (local.candidates().isEmpty()) {
            return "IN IP4 0.0.0.0";
        }
        String address = local.candidates().get(0).address();
        return (address.indexOf(':') >= 0 ? "IN IP6 " : "IN IP4 ") + address;
    }

    private static String fingerprintValue(LocalTransport local) {
        String f = local.fingerprint() == null ? "" : local.fingerprint().trim();
        // Accept "sha-256 AB:CD..." as well as the bare value.
        if (f.toLowerCase(Locale.ROOT).startsWith("sha-256 ")) {
            f = f.substring(8).trim();
        }
        return requireNonBlank(f, "fingerprint").toUpperCase(Locale.ROOT);
    }

    private static String requireNonBlank(String value, String what) {
        if (value == null || value.isBlank() || value.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("the local transport's " + what + " is missing or has a space");
        }
        return value;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
