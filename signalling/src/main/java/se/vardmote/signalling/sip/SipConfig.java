package se.vardmote.signalling.sip;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import se.vardmote.media.Cidr;

/**
 * SIP dial-in settings. Immutable; parsed once at start ({@link #fromEnv}).
 *
 * @param bindAddress       where the UDP and TCP listening points bind (a literal IP)
 * @param port              SIP port, UDP and TCP; 0 picks a free port (tests)
 * @param gateways          networks INVITEs (and every other request) are accepted from; the rest get 403
 * @param ivrNumbers        called numbers (Request-URI user parts) that reach the IVR
 * @param videoPrefix       prefix a video-conference system puts before the conference id
 * @param languageByNumber  prompt language by called number (an IVR number per language)
 * @param defaultLanguage   prompt language when the called number has none
 * @param preferOpus        answer with Opus when the gateway offers it (else PCMA/PCMU)
 * @param answerDelay       time between 180 Ringing and 200 OK (0: answer at once)
 * @param digest            credentials a gateway outside {@code gateways} may authenticate with (RFC 3261 §22);
 *                          null: none, and such requests get 403
 */
public record SipConfig(
        String bindAddress,
        int port,
        List<Cidr> gateways,
        Set<String> ivrNumbers,
        String videoPrefix,
        Map<String, PromptLanguage> languageByNumber,
        PromptLanguage defaultLanguage,
        boolean preferOpus,
        Duration answerDelay,
        DigestCredentials digest) {

    public static final int DEFAULT_PORT = 5060;
    public static final String DEFAULT_VIDEO_PREFIX = "88";

    public SipConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("VARDMOTE_SIP_PORT: not a port: " + port);
        gateways = List.copyOf(gateways);
        ivrNumbers = Set.copyOf(ivrNumbers);
        languageByNumber = Map.copyOf(languageByNumber);
        if (videoPrefix == null || !videoPrefix.matches("[0-9]{1,8}")) {
            throw new IllegalArgumentException("VARDMOTE_SIP_VIDEO_PREFIX: 1 to 8 digits, got '" + videoPrefix + "'");
        }
        if (answerDelay == null || answerDelay.isNegative()) answerDelay = Duration.ZERO;
    }

    /** Without digest credentials: only the gateway networks are accepted. */
    public SipConfig(String bindAddress, int port, List<Cidr> gateways, Set<String> ivrNumbers, String videoPrefix,
                     Map<String, PromptLanguage> languageByNumber, PromptLanguage defaultLanguage, boolean preferOpus,
                     Duration answerDelay) {
        this(bindAddress, port, gateways, ivrNumbers, videoPrefix, languageByNumber, defaultLanguage, preferOpus, answerDelay, null);
    }

    /** For tests: 127.0.0.1, a free port, gateways 127.0.0.0/8 and ::1, IVR number {@code 1000} (sv) and {@code 1001} (en). */
    public static SipConfig forTests() {
        return new SipConfig("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
                Set.of("1000", "1001"), DEFAULT_VIDEO_PREFIX, Map.of("1000", PromptLanguage.SV, "1001", PromptLanguage.EN),
                PromptLanguage.SV, false, Duration.ZERO);
    }

    public SipConfig withGateways(List<Cidr> networks) {
        return new SipConfig(bindAddress, port, networks, ivrNumbers, videoPrefix, languageByNumber, defaultLanguage, preferOpus, answerDelay, digest);
    }

    public SipConfig withAnswerDelay(Duration delay) {
        return new SipConfig(bindAddress, port, gateways, ivrNumbers, videoPrefix, languageByNumber, defaultLanguage, preferOpus, delay, digest);
    }

    public SipConfig withPreferOpus(boolean opus) {
        return new SipConfig(bindAddress, port, gateways, ivrNumbers, videoPrefix, languageByNumber, defaultLanguage, opus, answerDelay, digest);
    }

    /** The same settings with these digest credentials (null: none). */
    public SipConfig withDigest(DigestCredentials credentials) {
        return new SipConfig(bindAddress, port, gateways, ivrNumbers, videoPrefix, languageByNumber, defaultLanguage, preferOpus, answerDelay, credentials);
    }

    /** Whether requests from outside the gateway networks may authenticate with digest. */
    public boolean hasDigest() {
        return digest != null;
    }

    /** The prompt language for a called number. */
    public PromptLanguage languageFor(String calledNumber) {
        return languageByNumber.getOrDefault(calledNumber, defaultLanguage);
    }

    public boolean isGateway(InetAddress address) {
        if (address == null) return false;
        for (Cidr c : gateways) if (c.contains(address)) return true;
        return false;
    }

    /**
     * Reads the {@code VARDMOTE_SIP_*} variables (see docs/operations.md). A bad value throws
     * IllegalArgumentException naming the variable.
     *
     * <ul>
     *   <li>{@code VARDMOTE_SIP_PORT} (5060), bound on {@code bindAddress} (VARDMOTE_BIND_ADDRESS);
     *   <li>{@code VARDMOTE_SIP_GATEWAYS}: CIDR list; empty (the default) accepts no call without digest credentials;
     *   <li>{@code VARDMOTE_SIP_IVR_NUMBERS}: comma list, each optionally {@code number=sv|en};
     *   <li>{@code VARDMOTE_SIP_VIDEO_PREFIX} (88); {@code VARDMOTE_SIP_LANGUAGE} (sv);
     *   <li>{@code VARDMOTE_SIP_PREFER_OPUS} (false); {@code VARDMOTE_SIP_ANSWER_DELAY_MS} (0);
     *   <li>{@code VARDMOTE_SIP_DIGEST_USER} with {@code VARDMOTE_SIP_DIGEST_PASSWORD} or
     *       {@code VARDMOTE_SIP_DIGEST_PASSWORD_FILE} (its first line), {@code VARDMOTE_SIP_REALM} (vardmote) and
     *       {@code VARDMOTE_SIP_DIGEST_ALGORITHMS} (SHA-256,MD5: the challenges' order).
     * </ul>
     */
    public static SipConfig fromEnv(Map<String, String> env, String bindAddress) {
        int port = DEFAULT_PORT;
        String p = env.get("VARDMOTE_SIP_PORT");
        if (p != null && !p.isBlank()) {
            try {
                port = Integer.parseInt(p.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("VARDMOTE_SIP_PORT: not a number: " + p);
            }
        }
        List<Cidr> gateways = new ArrayList<>();
        for (String s : split(env.get("VARDMOTE_SIP_GATEWAYS"))) {
            try {
                gateways.add(Cidr.parse(s));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("VARDMOTE_SIP_GATEWAYS: " + e.getMessage());
            }
        }
        PromptLanguage dflt;
        try {
            String l = env.get("VARDMOTE_SIP_LANGUAGE");
            dflt = l == null || l.isBlank() ? PromptLanguage.SV : PromptLanguage.parse(l);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VARDMOTE_SIP_LANGUAGE: " + e.getMessage());
        }
        Set<String> numbers = new LinkedHashSet<>();
        Map<String, PromptLanguage> languages = new LinkedHashMap<>();
        for (String s : split(env.get("VARDMOTE_SIP_IVR_NUMBERS"))) {
            int eq = s.indexOf('=');
            String number = (eq < 0 ? s : s.substring(0, eq)).strip();
            if (!number.matches("\\+?[0-9]{1,32}")) {
                throw new IllegalArgumentException("VARDMOTE_SIP_IVR_NUMBERS: not a number: '" + number + "'");
            }
            numbers.add(number);
            if (eq >= 0) {
                try {
                    languages.put(number, PromptLanguage.parse(s.substring(eq + 1)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("VARDMOTE_SIP_IVR_NUMBERS: " + e.getMessage());
                }
            }
        }
        String prefix = env.getOrDefault("VARDMOTE_SIP_VIDEO_PREFIX", DEFAULT_VIDEO_PREFIX).strip();
        boolean opus = Boolean.parseBoolean(env.getOrDefault("VARDMOTE_SIP_PREFER_OPUS", "false").strip());
        Duration delay;
        try {
            delay = Duration.ofMillis(Long.parseLong(env.getOrDefault("VARDMOTE_SIP_ANSWER_DELAY_MS", "0").strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VARDMOTE_SIP_ANSWER_DELAY_MS: not a number");
        }
        return new SipConfig(bindAddress, port, gateways, numbers, prefix, languages, dflt, opus, delay, digestFromEnv(env));
    }

    /**
     * Whether the variables ask for dial-in: {@code VARDMOTE_SIP_GATEWAYS} or any digest credential is set
     * (a password without a user then fails in {@link #fromEnv} rather than being ignored).
     */
    public static boolean dialInRequested(Map<String, String> env) {
        return env.get("VARDMOTE_SIP_GATEWAYS") != null || env.get("VARDMOTE_SIP_DIGEST_USER") != null
                || env.get("VARDMOTE_SIP_DIGEST_PASSWORD") != null || env.get("VARDMOTE_SIP_DIGEST_PASSWORD_FILE") != null;
    }

    private static boolean digestConfigured(Map<String, String> env) {
        String user = env.get("VARDMOTE_SIP_DIGEST_USER");
        return user != null && !user.isBlank();
    }

    private static DigestCredentials digestFromEnv(Map<String, String> env) {
        String password = env.get("VARDMOTE_SIP_DIGEST_PASSWORD");
        String file = env.get("VARDMOTE_SIP_DIGEST_PASSWORD_FILE");
        boolean hasPassword = password != null && !password.isEmpty();
        boolean hasFile = file != null && !file.isBlank();
        if (!digestConfigured(env)) {
            if (hasPassword || hasFile) throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_USER: needed with a digest password");
            return null;
        }
        if (hasPassword && hasFile) {
            throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_PASSWORD_FILE: set it or VARDMOTE_SIP_DIGEST_PASSWORD, not both");
        }
        if (hasFile) {
            try {
                // the first line, so an editor's trailing newline is not part of the secret
                String text = java.nio.file.Files.readString(java.nio.file.Path.of(file.strip()));
                int nl = text.indexOf('\n');
                password = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
            } catch (java.io.IOException | RuntimeException e) {
                // the class only: never the content
                throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_PASSWORD_FILE: cannot read " + file.strip()
                        + " (" + e.getClass().getSimpleName() + ")");
            }
        } else if (!hasPassword) {
            throw new IllegalArgumentException("VARDMOTE_SIP_DIGEST_PASSWORD: needed with VARDMOTE_SIP_DIGEST_USER (or _FILE)");
        }
        return new DigestCredentials(env.get("VARDMOTE_SIP_DIGEST_USER").strip(), password, env.get("VARDMOTE_SIP_REALM"),
                split(env.get("VARDMOTE_SIP_DIGEST_ALGORITHMS")));
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        if (list == null) return out;
        for (String s : list.split(",")) if (!s.isBlank()) out.add(s.strip());
        return out;
    }
}
