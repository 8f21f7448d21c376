package se.vardmote.signalling.sip;

import java.util.Locale;

/**
 * Reads the key of a SIP INFO DTMF body. Stateless; any thread. A parser of network input: bodies over
 * {@link #MAX_BYTES} are refused; fuzzed by {@code DtmfInfoFuzzTest}.
 *
 * <ul>
 *   <li>{@code application/dtmf-relay} (the de-facto Cisco format): {@code Signal=5\r\nDuration=160};
 *       {@code Signal=*} / {@code #}; some gateways send 10 and 11 for {@code *} and {@code #}.
 *   <li>{@code application/dtmf}: the key itself, {@code 5}.
 * </ul>
 */
public final class DtmfInfo {

    public static final int MAX_BYTES = 512;
    /** No key could be read. */
    public static final char NONE = 0;

    private DtmfInfo() {
    }

    /** Whether a Content-Type (type/subtype, no parameters) is one this reads. */
    public static boolean supports(String contentType) {
        if (contentType == null) return false;
        String t = contentType.toLowerCase(Locale.ROOT).strip();
        return t.equals("application/dtmf-relay") || t.equals("application/dtmf");
    }

    /** The key ({@code 0-9 * # A-D}) or {@link #NONE}. */
    public static char parse(String contentType, String body) {
        if (!supports(contentType) || body == null || body.length() > MAX_BYTES) return NONE;
        String t = contentType.toLowerCase(Locale.ROOT).strip();
        if (t.equals("application/dtmf")) return key(body.strip());
        for (String line : body.split("\r?\n", 16)) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            if (line.substring(0, eq).strip().equalsIgnoreCase("Signal")) return key(line.substring(eq + 1).strip());
        }
        return NONE;
    }

    private static char key(String s) {
        if (s.equals("10")) return '*';
        if (s.equals("11")) return '#';
        if (s.length() != 1) return NONE;
        char c = Character.toUpperCase(s.charAt(0));
        if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
        return NONE;
    }
}
