package se.vardmote.signalling.sip;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One parsed {@code Authorization: Digest …} header value (RFC 3261 §25.1 "credentials", RFC 7616 §3.4).
 * Immutable; parsed on the SIP call thread from network input, so it is bounded: at most
 * {@value #MAX_CHARS} characters and {@value #MAX_PARAMS} parameters, each value at most
 * {@value #MAX_VALUE_CHARS} characters. Unknown parameters are skipped (RFC 7616 §3.4: "auth-param").
 *
 * @param params parameter names in lower case → unquoted values
 */
public record DigestAuthorization(Map<String, String> params) {

    static final int MAX_CHARS = 4096;
    static final int MAX_PARAMS = 32;
    static final int MAX_VALUE_CHARS = 1024;

    public DigestAuthorization {
        params = Map.copyOf(params);
    }

    /** A parameter's value, or null. */
    public String get(String name) {
        return params.get(name);
    }

    /**
     * Parses a header value such as {@code Digest username="a", realm="b", nc=00000001}. Throws
     * IllegalArgumentException for anything else (another scheme, bad syntax, over the limits).
     */
    public static DigestAuthorization parse(String value) {
        if (value == null) throw new IllegalArgumentException("no credentials");
        if (value.length() > MAX_CHARS) throw new IllegalArgumentException("credentials too long");
        int i = skipSpace(value, 0);
        if (!value.regionMatches(true, i, "Digest", 0, 6)) throw new IllegalArgumentException("not Digest");
        i += 6;
        if (i >= value.length() || !isSpace(value.charAt(i))) throw new IllegalArgumentException("not Digest");
        Map<String, String> params = new HashMap<>();
        int n = value.length();
        while (true) {
            i = skipSpace(value, i);
            if (i >= n) break;
            int nameStart = i;
            while (i < n && isTokenChar(value.charAt(i))) i++;
            if (i == nameStart) throw new IllegalArgumentException("parameter name expected");
            String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipSpace(value, i);
            if (i >= n || value.charAt(i) != '=') throw new IllegalArgumentException("'=' expected");
            i = skipSpace(value, i + 1);
            StringBuilder v = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) throw new IllegalArgumentException("unterminated quoted string");
                    char c = value.charAt(i++);
                    if (c == '"') break;
                    if (c == '\\') { // quoted-pair, RFC 3261 §25.1
                        if (i >= n) throw new IllegalArgumentException("unterminated quoted string");
                        c = value.charAt(i++);
                    }
                    if (c == '\r' || c == '\n' || c == 0) throw new IllegalArgumentException("control character");
                    v.append(c);
                    if (v.length() > MAX_VALUE_CHARS) throw new IllegalArgumentException("value too long");
                }
            } else {
                int start = i;
                while (i < n && isTokenChar(value.charAt(i))) i++;
                if (i == start) throw new IllegalArgumentException("value expected");
                v.append(value, start, i);
                if (v.length() > MAX_VALUE_CHARS) throw new IllegalArgumentException("value too long");
            }
            if (params.size() >= MAX_PARAMS) throw new IllegalArgumentException("too many parameters");
            if (params.putIfAbsent(name, v.toString()) != null) throw new IllegalArgumentException("repeated parameter");
            i = skipSpace(value, i);
            if (i >= n) break;
            if (value.charAt(i) != ',') throw new IllegalArgumentException("',' expected");
            i++;
        }
        if (params.isEmpty()) throw new IllegalArgumentException("no parameters");
        return new DigestAuthorization(params);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 3261 §25.1 token characters. */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        // names only: values carry the username, nonce and response
        return "DigestAuthorization" + new java.util.TreeSet<>(params.keySet());
    }
}
