package se.vardmote.server;

import static se.vardmote.server.ServerConfig.*;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import se.vardmote.media.Cidr;
import se.vardmote.media.MediaConfig;
import se.vardmote.signalling.TurnServers;
import se.vardmote.signalling.echo.EchoLimits;

/**
 * Reads a {@link ServerConfig} from what an operator typed: environment variables and the properties file
 * {@code VARDMOTE_CONFIG} names (the same keys; the environment wins). Every value is checked here, and a bad one
 * stops the start with an {@link InvalidConfigException} that names its key; addresses must be IP literals, so
 * start-up never waits on DNS.
 */
final class ServerConfigReader {

    /** The keys a properties file may set (everything but {@link ServerConfig#CONFIG} itself). */
    static final java.util.Set<String> KNOWN_KEYS = java.util.Set.of(HTTP_PORT, MEDIA_PORT, MEDIA_WORKERS,
            BIND_ADDRESS, ADVERTISED_ADDRESSES, MEDIA_ALLOWED_NETWORKS, PUBLIC_URL, DATA_DIR, API_KEY, DB_URL, DB_USER,
            DB_PASSWORD, MAX_GROUP_PARTICIPANTS, JOIN_EARLY_MINUTES, JOIN_GRACE_MINUTES, CONFERENCE_ID_RETENTION_DAYS,
            MEDIA_UDP_GSO, TURN_URLS, TURN_SECRET, MEDIA_TCP_PORT, RETENTION_DAYS, DRAIN_SECONDS, TRUSTED_PROXIES,
            ECHO_MAX_SESSIONS, ECHO_PER_SOURCE_PER_MINUTE);

    // Operator-typed values are small; anything longer is a mistake (or an attack on the parser).
    private static final int MAX_VALUE_LENGTH = 4096;
    private static final int MAX_LIST_ENTRIES = 64;

    private ServerConfigReader() {
    }

    /** The settings in {@code env} (and the file its {@code VARDMOTE_CONFIG} names). */
    static ServerConfig fromEnvironment(Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        String file = env.get(CONFIG);
        if (file != null && !file.isBlank()) values.putAll(readPropertiesFile(file.trim()));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (KNOWN_KEYS.contains(e.getKey())) values.put(e.getKey(), e.getValue());
        }
        return fromValues(values);
    }

    private static ServerConfig fromValues(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue() != null && e.getValue().length() > MAX_VALUE_LENGTH) {
                throw new InvalidConfigException(e.getKey(), "is longer than " + MAX_VALUE_LENGTH + " characters");
            }
        }
        int httpPort = intValue(values, HTTP_PORT, 8080);
        int mediaPort = intValue(values, MEDIA_PORT, 10000);
        int workers = intValue(values, MEDIA_WORKERS, 1);
        // ICE-TCP beside UDP on the same numbers by default; "0" turns it off. An ephemeral UDP port (0)
        // gets ephemeral TCP ports too.
        int tcpPort = intValue(values, MEDIA_TCP_PORT, mediaPort);
        if (text(values, MEDIA_TCP_PORT, null) != null && tcpPort == 0) tcpPort = MediaConfig.TCP_OFF;
        InetAddress bind = address(BIND_ADDRESS, text(values, BIND_ADDRESS, "127.0.0.1"));
        List<InetAddress> advertised = new ArrayList<>();
        for (String a : list(values, ADVERTISED_ADDRESSES)) advertised.add(address(ADVERTISED_ADDRESSES, a));
        if (advertised.isEmpty() && !bind.isAnyLocalAddress()) advertised.add(bind);
        List<Cidr> allowed = networks(values, MEDIA_ALLOWED_NETWORKS);
        List<Cidr> proxies = networks(values, TRUSTED_PROXIES);
        String publicUrl = text(values, PUBLIC_URL, null);
        Path dataDir;
        try {
            dataDir = Path.of(text(values, DATA_DIR, "./data"));
        } catch (InvalidPathException e) {
            throw new InvalidConfigException(DATA_DIR, "is not a valid path");
        }
        int maxGroup = intValue(values, MAX_GROUP_PARTICIPANTS, 8);
        int early = intValue(values, JOIN_EARLY_MINUTES, DEFAULT_JOIN_EARLY_MINUTES);
        int grace = intValue(values, JOIN_GRACE_MINUTES, DEFAULT_JOIN_GRACE_MINUTES);
        int retention = intValue(values, CONFERENCE_ID_RETENTION_DAYS, DEFAULT_CONFERENCE_ID_RETENTION_DAYS);
        int keepDays = intValue(values, RETENTION_DAYS, Math.max(DEFAULT_RETENTION_DAYS, retention));
        int drain = intValue(values, DRAIN_SECONDS, DEFAULT_DRAIN_SECONDS);
        boolean gso = booleanValue(values, MEDIA_UDP_GSO, true);
        TurnServers turn = turnServers(values);
        int echoSessions = intValue(values, ECHO_MAX_SESSIONS, EchoLimits.DEFAULT_MAX_SESSIONS);
        if (echoSessions < 0 || echoSessions > 10_000) {
            throw new InvalidConfigException(ECHO_MAX_SESSIONS, "must be between 0 (no echo test) and 10000, was " + echoSessions);
        }
        int echoPerSource = intValue(values, ECHO_PER_SOURCE_PER_MINUTE, EchoLimits.DEFAULT_PER_SOURCE_PER_MINUTE);
        if (echoPerSource < 1 || echoPerSource > 10_000) {
            throw new InvalidConfigException(ECHO_PER_SOURCE_PER_MINUTE, "must be between 1 and 10000, was " + echoPerSource);
        }
        EchoLimits echo = new EchoLimits(echoSessions, echoPerSource, EchoLimits.DEFAULT_MAX_DURATION);
        ServerConfig config = new ServerConfig(httpPort, mediaPort, workers, bind, advertised, allowed, publicUrl,
                dataDir, text(values, API_KEY, null), text(values, DB_URL, null), text(values, DB_USER, null),
                text(values, DB_PASSWORD, null), maxGroup, early, grace, retention, gso, turn, tcpPort, keepDays, drain,
                proxies, echo);
        // With a fixed port the default URL is known now; with port 0 it is derived once bound.
        if (config.publicUrl() == null && httpPort != 0) {
            return new ServerConfig(httpPort, mediaPort, workers, bind, advertised, allowed,
                    config.publicUrlFor(httpPort), dataDir, config.apiKey(), config.dbUrl(), config.dbUser(),
                    config.dbPassword(), maxGroup, early, grace, retention, gso, turn, tcpPort, keepDays, drain,
                    proxies, echo);
        }
        return config;
    }

    private static List<Cidr> networks(Map<String, String> values, String key) {
        List<Cidr> networks = new ArrayList<>();
        for (String n : list(values, key)) {
            try {
                networks.add(Cidr.parse(n));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(key,
                        "'" + abbreviate(n) + "' is not a network in CIDR notation such as 10.0.0.0/8 or ::1/128");
            }
        }
        return networks;
    }

    private static TurnServers turnServers(Map<String, String> values) {
        List<String> urls = list(values, TURN_URLS);
        String secret = text(values, TURN_SECRET, null);
        if (urls.isEmpty()) {
            if (secret != null) throw new InvalidConfigException(TURN_URLS, "must be set when " + TURN_SECRET + " is");
            return TurnServers.NONE;
        }
        if (secret == null) {
            throw new InvalidConfigException(TURN_SECRET, "must be set when " + TURN_URLS
                    + " is: the secret shared with the TURN server (coturn's static-auth-secret)");
        }
        try {
            return new TurnServers(urls, secret);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().contains("secret") ? TURN_SECRET : TURN_URLS;
            throw new InvalidConfigException(key, e.getMessage());
        }
    }

    private static Map<String, String> readPropertiesFile(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidConfigException(CONFIG, "is not a valid path");
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidConfigException(CONFIG, "cannot read properties file " + path + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> values = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new InvalidConfigException(CONFIG, "unknown key '" + key + "' in " + path
                        + " (keys are the environment variable names, e.g. " + HTTP_PORT + ")");
            }
            values.put(key, props.getProperty(key));
        }
        return values;
    }

    private static String text(Map<String, String> values, String key, String fallback) {
        String v = values.get(key);
        if (v == null || v.isBlank()) return fallback;
        return v.trim();
    }

    private static int intValue(Map<String, String> values, String key, int fallback) {
        String v = text(values, key, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, was '" + abbreviate(v) + "'");
        }
    }

    private static boolean booleanValue(Map<String, String> values, String key, boolean fallback) {
        String v = text(values, key, null);
        if (v == null) return fallback;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new InvalidConfigException(key, "must be true or false, was '" + abbreviate(v) + "'");
        };
    }

    private static List<String> list(Map<String, String> values, String key) {
        String v = text(values, key, null);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) throw new InvalidConfigException(key, "has an empty entry in its comma list");
            out.add(p);
        }
        if (out.size() > MAX_LIST_ENTRIES) throw new InvalidConfigException(key, "has more than " + MAX_LIST_ENTRIES + " entries");
        return out;
    }

    /** An IP literal; host names are refused so that start-up never waits on DNS. */
    private static InetAddress address(String key, String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.isEmpty() || !t.matches("[0-9a-fA-F:.]+") || !(t.contains(".") || t.contains(":"))) {
            throw new InvalidConfigException(key, "'" + abbreviate(text) + "' is not an IP address (use e.g. 127.0.0.1, 0.0.0.0 or ::1)");
        }
        try {
            return InetAddress.getByName(t); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new InvalidConfigException(key, "'" + abbreviate(text) + "' is not an IP address");
        }
    }

    private static String abbreviate(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "…";
    }
}
