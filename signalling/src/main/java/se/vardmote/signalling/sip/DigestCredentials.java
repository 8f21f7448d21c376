package se.vardmote.signalling.sip;

/**
 * The one user a gateway outside the allowed networks may authenticate as with SIP digest (RFC 3261
 * §22, RFC 8760). Immutable; read once at start. The password never appears in {@link #toString()}.
 *
 * @param user     the digest username ({@code VARDMOTE_SIP_DIGEST_USER})
 * @param password the shared secret ({@code VARDMOTE_SIP_DIGEST_PASSWORD} or the file it names)
 * @param realm    the protection realm offered in challenges ({@code VARDMOTE_SIP_REALM}, default {@value #DEFAULT_REALM})
 * @param algorithms the algorithms challenged and accepted, most preferred first ({@code SHA-256}, {@code MD5};
 *                 {@code VARDMOTE_SIP_DIGEST_ALGORITHMS}, default SHA-256 then MD5). Gateways that read only
 *                 the first challenge and know only MD5 (sipp 3.6, older SBCs) need {@code MD5,SHA-256}.
 */
public record DigestCredentials(String user, String password, String realm, java.util.List<String> algorithms) {

    public static final String DEFAULT_REALM = "vardmote";
    public static final java.util.List<String> DEFAULT_ALGORITHMS = java.util.List.of("SHA-256", "MD5");

    /** With the default algorithms: SHA-256, then MD5 (RFC 8760 §2.4: most preferred first). */
    public DigestCredentials(String user, String password, String realm) {
        this(user, password, realm, DEFAULT_ALGORITHMS);
    }

    public DigestCredentials {
        if (user == null || user.isBlank() || user.length() > 256 || user.indexOf('"') >= 0 || user.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_USER: 1 to 256 characters, no quote or backslash");
        }
        if (password == null || password.isEmpty() || password.length() > 1024) {
            throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_PASSWORD: 1 to 1024 characters");
        }
        if (realm == null || realm.isBlank()) realm = DEFAULT_REALM;
        if (realm.length() > 256 || realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("VARDMOTE_SIP_REALM: at most 256 characters, no quote or backslash");
        }
        if (algorithms == null || algorithms.isEmpty()) algorithms = DEFAULT_ALGORITHMS;
        java.util.List<String> upper = new java.util.ArrayList<>();
        for (String a : algorithms) {
            String u = a.strip().toUpperCase(java.util.Locale.ROOT);
            if (!u.equals("SHA-256") && !u.equals("MD5")) {
                throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_ALGORITHMS: SHA-256 and/or MD5, got '" + a + "'");
            }
            if (!upper.contains(u)) upper.add(u);
        }
        algorithms = java.util.List.copyOf(upper);
    }

    @Override
    public String toString() {
        return "DigestCredentials[user=" + user + ", password=••••, realm=" + realm + "]";
    }
}
