package se.vardmote.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import se.vardmote.media.Cidr;
import se.vardmote.media.MediaConfig;
import se.vardmote.signalling.SignallingConfig;
import se.vardmote.signalling.TurnServers;
import se.vardmote.signalling.echo.EchoLimits;
import se.vardmote.signalling.meeting.MeetingRules;
import se.vardmote.signalling.store.Database;

/**
 * Everything an operator can set, read once at start from environment variables and an optional properties
 * file named by {@code VARDMOTE_CONFIG} (same keys; the environment wins; {@link ServerConfigReader} reads and
 * checks them). Immutable.
 *
 * <p>{@link #toString()} never shows the API key or the database password.
 *
 * @param httpPort              HTTP/WebSocket port; 0 picks an ephemeral one (tests)
 * @param mediaPort             first UDP media port; worker i listens on mediaPort + i (0: ephemeral)
 * @param mediaWorkers          media event loops, one UDP socket each
 * @param bindAddress           where HTTP and media listen (127.0.0.1 unless the operator opens it up)
 * @param advertisedAddresses   IPs put into ICE host candidates; never a wildcard
 * @param mediaAllowedNetworks  sources accepted for STUN and media; empty means any
 * @param publicUrl             base of join links without trailing slash; null means
 *                              {@code http://<bind or 127.0.0.1>:<bound http port>} (see {@link #publicUrlFor(int)})
 * @param dataDir               where the H2 database, token secret and API key live
 * @param apiKey                the booking API key; null means read or create {@code <dataDir>/api-key}
 * @param dbUrl                 JDBC URL; null means {@link Database#defaultUrl(Path)} of dataDir
 * @param dbUser                JDBC user (may be null)
 * @param dbPassword            JDBC password (may be null)
 * @param maxGroupParticipants  the most participants a group visit admits
 * @param joinEarlyMinutes      a meeting opens for joining this long before its start
 * @param joinGraceMinutes      and stays open this long after its booked end
 * @param conferenceIdRetentionDays a conference id is not handed out again until this long after its
 *                              meeting's end
 * @param mediaUdpGso           send runs of datagrams to one peer as UDP GSO where the kernel supports it
 * @param turn                  TURN servers handed to browsers with per-join credentials from a shared
 *                              secret ({@code VARDMOTE_TURN_URLS}, {@code VARDMOTE_TURN_SECRET}); none by default
 * @param mediaTcpPort          first ICE-TCP port; worker i listens on mediaTcpPort + i;
 *                              {@link MediaConfig#TCP_OFF} for none, 0 for ephemeral ports (tests)
 * @param retentionDays         a meeting, its seats and its audit events are deleted this long after its end
 * @param drainSeconds          on SIGTERM, how long live visits may go on before the server closes
 * @param echo                  limits on the pre-call check's echo tests ({@code VARDMOTE_ECHO_MAX_SESSIONS},
 *                              {@code VARDMOTE_ECHO_PER_SOURCE_PER_MINUTE})
 * @param trustedProxies        networks of the reverse proxies in front of the HTTP port, whose
 *                              {@code X-Forwarded-For} names the client for the per-address limits; empty
 *                              (the default) trusts none and limits by the TCP peer
 */
public record ServerConfig(
        int httpPort,
        int mediaPort,
        int mediaWorkers,
        InetAddress bindAddress,
        List<InetAddress> advertisedAddresses,
        List<Cidr> mediaAllowedNetworks,
        String publicUrl,
        Path dataDir,
        String apiKey,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int maxGroupParticipants,
        int joinEarlyMinutes,
        int joinGraceMinutes,
        int conferenceIdRetentionDays,
        boolean mediaUdpGso,
        TurnServers turn,
        int mediaTcpPort,
        int retentionDays,
        int drainSeconds,
        List<Cidr> trustedProxies,
        EchoLimits echo) {

    public static final String CONFIG = "VARDMOTE_CONFIG";
    public static final String HTTP_PORT = "VARDMOTE_HTTP_PORT";
    public static final String MEDIA_PORT = "VARDMOTE_MEDIA_PORT";
    public static final String MEDIA_TCP_PORT = "VARDMOTE_MEDIA_TCP_PORT";
    public static final String MEDIA_WORKERS = "VARDMOTE_MEDIA_WORKERS";
    public static final String MEDIA_UDP_GSO = "VARDMOTE_MEDIA_UDP_GSO";
    public static final String BIND_ADDRESS = "VARDMOTE_BIND_ADDRESS";
    public static final String ADVERTISED_ADDRESSES = "VARDMOTE_ADVERTISED_ADDRESSES";
    public static final String MEDIA_ALLOWED_NETWORKS = "VARDMOTE_MEDIA_ALLOWED_NETWORKS";
    public static final String PUBLIC_URL = "VARDMOTE_PUBLIC_URL";
    public static final String DATA_DIR = "VARDMOTE_DATA_DIR";
    public static final String API_KEY = "VARDMOTE_API_KEY";
    public static final String DB_URL = "VARDMOTE_DB_URL";
    public static final String DB_USER = "VARDMOTE_DB_USER";
    public static final String DB_PASSWORD = "VARDMOTE_DB_PASSWORD";
    public static final String MAX_GROUP_PARTICIPANTS = "VARDMOTE_MAX_GROUP_PARTICIPANTS";
    public static final String JOIN_EARLY_MINUTES = "VARDMOTE_JOIN_EARLY_MINUTES";
    public static final String JOIN_GRACE_MINUTES = "VARDMOTE_JOIN_GRACE_MINUTES";
    public static final String CONFERENCE_ID_RETENTION_DAYS = "VARDMOTE_CONFERENCE_ID_RETENTION_DAYS";
    public static final String TURN_URLS = "VARDMOTE_TURN_URLS";
    public static final String TURN_SECRET = "VARDMOTE_TURN_SECRET";
    public static final String RETENTION_DAYS = "VARDMOTE_RETENTION_DAYS";
    public static final String DRAIN_SECONDS = "VARDMOTE_DRAIN_SECONDS";
    public static final String TRUSTED_PROXIES = "VARDMOTE_TRUSTED_PROXIES";
    public static final String ECHO_MAX_SESSIONS = "VARDMOTE_ECHO_MAX_SESSIONS";
    public static final String ECHO_PER_SOURCE_PER_MINUTE = "VARDMOTE_ECHO_PER_SOURCE_PER_MINUTE";

    /** RFC 7675 consent freshness: 30 s without valid STUN ends a transport. */
    static final Duration CONSENT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A DTLS handshake's deadline from its first record (docs/operations.md, DTLS handshake limits): a browser
     * finishes in well under a second and retransmits lost flights within it; a silent peer frees its thread then.
     */
    static final Duration DTLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    public ServerConfig {
        if (turn == null) turn = TurnServers.NONE;
        advertisedAddresses = List.copyOf(advertisedAddresses);
        mediaAllowedNetworks = List.copyOf(mediaAllowedNetworks);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        if (echo == null) echo = EchoLimits.DEFAULTS;
        for (Cidr proxy : trustedProxies) {
            if (proxy.prefixLength() == 0) {
                throw new InvalidConfigException(TRUSTED_PROXIES, "'" + proxy + "' trusts every address, so any "
                        + "client could choose the address it is limited by; list only your proxies' networks");
            }
        }
        requirePort(HTTP_PORT, httpPort);
        requirePort(MEDIA_PORT, mediaPort);
        if (mediaWorkers < 1 || mediaWorkers > 256) {
            throw new InvalidConfigException(MEDIA_WORKERS, "must be between 1 and 256, was " + mediaWorkers);
        }
        if (mediaPort != 0 && mediaPort + mediaWorkers - 1 > 65535) {
            throw new InvalidConfigException(MEDIA_PORT, "port " + mediaPort + " plus " + mediaWorkers
                    + " workers runs past 65535; lower " + MEDIA_PORT + " or " + MEDIA_WORKERS);
        }
        if (mediaTcpPort != MediaConfig.TCP_OFF) requirePort(MEDIA_TCP_PORT, mediaTcpPort);
        if (mediaTcpPort > 0 && mediaTcpPort + mediaWorkers - 1 > 65535) {
            throw new InvalidConfigException(MEDIA_TCP_PORT, "port " + mediaTcpPort + " plus " + mediaWorkers
                    + " workers runs past 65535; lower " + MEDIA_TCP_PORT + " or " + MEDIA_WORKERS);
        }
        if (bindAddress == null) throw new InvalidConfigException(BIND_ADDRESS, "must be set");
        if (advertisedAddresses.isEmpty() && !bindAddress.isAnyLocalAddress()) {
            throw new InvalidConfigException(ADVERTISED_ADDRESSES, "must list at least one IP address");
        }
        if (advertisedAddresses.isEmpty()) {
            throw new InvalidConfigException(ADVERTISED_ADDRESSES, "the bind address " + bindAddress.getHostAddress()
                    + " listens on every interface, so browsers need to be told which address to reach: set "
                    + ADVERTISED_ADDRESSES + " to the public IP(s), comma separated");
        }
        for (InetAddress a : advertisedAddresses) {
            if (a.isAnyLocalAddress()) {
                throw new InvalidConfigException(ADVERTISED_ADDRESSES,
                        "a wildcard address cannot be advertised to browsers; list the real IP(s)");
            }
        }
        if (publicUrl != null) publicUrl = checkPublicUrl(publicUrl);
        if (dataDir == null) throw new InvalidConfigException(DATA_DIR, "must be set");
        if (apiKey != null && apiKey.length() < 16) {
            throw new InvalidConfigException(API_KEY, "is too short (at least 16 characters; unset it to have one generated)");
        }
        if (maxGroupParticipants < 2 || maxGroupParticipants > 64) {
            throw new InvalidConfigException(MAX_GROUP_PARTICIPANTS, "must be between 2 and 64, was " + maxGroupParticipants);
        }
        if (joinEarlyMinutes < 0 || joinEarlyMinutes > 1440) {
            throw new InvalidConfigException(JOIN_EARLY_MINUTES, "must be between 0 and 1440, was " + joinEarlyMinutes);
        }
        if (joinGraceMinutes < 0 || joinGraceMinutes > 1440) {
            throw new InvalidConfigException(JOIN_GRACE_MINUTES, "must be between 0 and 1440, was " + joinGraceMinutes);
        }
        if (conferenceIdRetentionDays < 1 || conferenceIdRetentionDays > 3650) {
            throw new InvalidConfigException(CONFERENCE_ID_RETENTION_DAYS,
                    "must be between 1 and 3650, was " + conferenceIdRetentionDays);
        }
        if (retentionDays < 1 || retentionDays > 3650) {
            throw new InvalidConfigException(RETENTION_DAYS, "must be between 1 and 3650, was " + retentionDays);
        }
        if (drainSeconds < 0 || drainSeconds > 24 * 3600) {
            throw new InvalidConfigException(DRAIN_SECONDS, "must be between 0 and 86400, was " + drainSeconds);
        }
        if (retentionDays < conferenceIdRetentionDays) {
            throw new InvalidConfigException(RETENTION_DAYS, "is " + retentionDays + " days, less than "
                    + CONFERENCE_ID_RETENTION_DAYS + " (" + conferenceIdRetentionDays + "): a conference id must not be "
                    + "handed out again while a meeting that used it may still be asked about; raise it or lower the other");
        }
    }

    static final int DEFAULT_JOIN_EARLY_MINUTES = 15;
    static final int DEFAULT_JOIN_GRACE_MINUTES = 60;
    static final int DEFAULT_CONFERENCE_ID_RETENTION_DAYS = 90;
    static final int DEFAULT_RETENTION_DAYS = 90;
    static final int DEFAULT_DRAIN_SECONDS = 30;

    /** The settings before {@code echo}: the default limits on echo tests. */
    public ServerConfig(int httpPort, int mediaPort, int mediaWorkers, InetAddress bindAddress,
                        List<InetAddress> advertisedAddresses, List<Cidr> mediaAllowedNetworks, String publicUrl,
                        Path dataDir, String apiKey, String dbUrl, String dbUser, String dbPassword,
                        int maxGroupParticipants, int joinEarlyMinutes, int joinGraceMinutes,
                        int conferenceIdRetentionDays, boolean mediaUdpGso, TurnServers turn, int mediaTcpPort,
                        int retentionDays, int drainSeconds, List<Cidr> trustedProxies) {
        this(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses, mediaAllowedNetworks, publicUrl,
                dataDir, apiKey, dbUrl, dbUser, dbPassword, maxGroupParticipants, joinEarlyMinutes, joinGraceMinutes,
                conferenceIdRetentionDays, mediaUdpGso, turn, mediaTcpPort, retentionDays, drainSeconds, trustedProxies,
                EchoLimits.DEFAULTS);
    }

    /** The settings before {@code trustedProxies}: no proxy trusted. */
    public ServerConfig(int httpPort, int mediaPort, int mediaWorkers, InetAddress bindAddress,
                        List<InetAddress> advertisedAddresses, List<Cidr> mediaAllowedNetworks, String publicUrl,
                        Path dataDir, String apiKey, String dbUrl, String dbUser, String dbPassword,
                        int maxGroupParticipants, int joinEarlyMinutes, int joinGraceMinutes,
                        int conferenceIdRetentionDays, boolean mediaUdpGso, TurnServers turn, int mediaTcpPort,
                        int retentionDays, int drainSeconds) {
        this(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses, mediaAllowedNetworks, publicUrl,
                dataDir, apiKey, dbUrl, dbUser, dbPassword, maxGroupParticipants, joinEarlyMinutes, joinGraceMinutes,
                conferenceIdRetentionDays, mediaUdpGso, turn, mediaTcpPort, retentionDays, drainSeconds, List.of());
    }

    /** The meeting time rules: join window and conference-id retention. */
    public MeetingRules meetingRules() {
        return new MeetingRules(Duration.ofMinutes(joinEarlyMinutes), Duration.ofMinutes(joinGraceMinutes),
                Duration.ofDays(conferenceIdRetentionDays));
    }

    /** Reads the settings from the process environment (and the file {@code VARDMOTE_CONFIG} names). */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        return ServerConfigReader.fromEnvironment(env);
    }

    /**
     * Loopback-only settings for tests: binds and advertises 127.0.0.1, ephemeral HTTP and media ports (UDP
     * and ICE-TCP), accepts media only from {@code 127.0.0.0/8} and {@code ::1/128}.
     */
    public static ServerConfig forTests(Path dataDir) {
        InetAddress lo = loopbackV4();
        return new ServerConfig(0, 0, 1, lo, List.of(lo),
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
                null, dataDir, null, null, null, null, 8, DEFAULT_JOIN_EARLY_MINUTES, DEFAULT_JOIN_GRACE_MINUTES,
                DEFAULT_CONFERENCE_ID_RETENTION_DAYS, true, TurnServers.NONE, 0, DEFAULT_RETENTION_DAYS, 0);
    }

    /** The public URL, deriving the default from the port the HTTP server actually bound. */
    public String publicUrlFor(int boundHttpPort) {
        if (publicUrl != null) return publicUrl;
        InetAddress host = bindAddress.isAnyLocalAddress() ? loopbackV4() : bindAddress;
        String literal = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return "http://" + literal + ":" + boundHttpPort;
    }

    /** The JDBC URL: the configured one, or the embedded H2 file under the data directory. */
    public String databaseUrl() {
        return dbUrl != null ? dbUrl : Database.defaultUrl(dataDir);
    }

    /** The media plane's settings. */
    public MediaConfig mediaConfig() {
        return new MediaConfig(bindAddress, mediaPort, mediaWorkers, advertisedAddresses, mediaAllowedNetworks,
                CONSENT_TIMEOUT, DTLS_HANDSHAKE_TIMEOUT, mediaUdpGso, mediaTcpPort);
    }

    /** The signalling layer's settings (no STUN/TURN servers: ICE-lite on a reachable address needs none). */
    public SignallingConfig signallingConfig() {
        return new SignallingConfig(maxGroupParticipants, List.of(), turn, echo);
    }

    /** These settings with other TURN servers. */
    public ServerConfig withTurn(TurnServers servers) {
        return new ServerConfig(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses,
                mediaAllowedNetworks, publicUrl, dataDir, apiKey, dbUrl, dbUser, dbPassword, maxGroupParticipants,
                joinEarlyMinutes, joinGraceMinutes, conferenceIdRetentionDays, mediaUdpGso, servers, mediaTcpPort,
                retentionDays, drainSeconds, trustedProxies, echo);
    }

    /** These settings with another database ({@code VARDMOTE_DB_URL}, {@code _USER}, {@code _PASSWORD}). */
    public ServerConfig withDatabase(String url, String user, String password) {
        return new ServerConfig(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses,
                mediaAllowedNetworks, publicUrl, dataDir, apiKey, url, user, password, maxGroupParticipants,
                joinEarlyMinutes, joinGraceMinutes, conferenceIdRetentionDays, mediaUdpGso, turn, mediaTcpPort,
                retentionDays, drainSeconds, trustedProxies, echo);
    }

    /** These settings with other limits on echo tests. */
    public ServerConfig withEcho(EchoLimits limits) {
        return new ServerConfig(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses,
                mediaAllowedNetworks, publicUrl, dataDir, apiKey, dbUrl, dbUser, dbPassword, maxGroupParticipants,
                joinEarlyMinutes, joinGraceMinutes, conferenceIdRetentionDays, mediaUdpGso, turn, mediaTcpPort,
                retentionDays, drainSeconds, trustedProxies, limits);
    }

    /** These settings with other trusted proxies. */
    public ServerConfig withTrustedProxies(List<Cidr> proxies) {
        return new ServerConfig(httpPort, mediaPort, mediaWorkers, bindAddress, advertisedAddresses,
                mediaAllowedNetworks, publicUrl, dataDir, apiKey, dbUrl, dbUser, dbPassword, maxGroupParticipants,
                joinEarlyMinutes, joinGraceMinutes, conferenceIdRetentionDays, mediaUdpGso, turn, mediaTcpPort,
                retentionDays, drainSeconds, proxies, echo);
    }

    @Override
    public String toString() {
        return "ServerConfig[httpPort=" + httpPort + ", mediaPort=" + mediaPort
                + ", mediaTcpPort=" + (mediaTcpPort == MediaConfig.TCP_OFF ? "off" : mediaTcpPort)
                + ", mediaWorkers=" + mediaWorkers
                + ", bindAddress=" + bindAddress.getHostAddress()
                + ", advertisedAddresses=" + advertisedAddresses.stream().map(InetAddress::getHostAddress).toList()
                + ", mediaAllowedNetworks=" + mediaAllowedNetworks + ", publicUrl=" + publicUrl
                + ", dataDir=" + dataDir + ", apiKey=" + (apiKey == null ? "(file)" : "(set)")
                + ", dbUrl=" + (dbUrl == null ? "(default)" : redactUrl(dbUrl)) + ", dbUser=" + dbUser
                + ", dbPassword=" + (dbPassword == null ? "(none)" : "(set)")
                + ", maxGroupParticipants=" + maxGroupParticipants + ", joinEarlyMinutes=" + joinEarlyMinutes
                + ", joinGraceMinutes=" + joinGraceMinutes + ", conferenceIdRetentionDays=" + conferenceIdRetentionDays
                + ", retentionDays=" + retentionDays + ", drainSeconds=" + drainSeconds
                + ", trustedProxies=" + trustedProxies + ", echo=" + echo
                + ", turn=" + turn + "]";
    }

    private static void requirePort(String key, int port) {
        if (port < 0 || port > 65535) throw new InvalidConfigException(key, "must be a port between 0 and 65535, was " + port);
    }

    private static String checkPublicUrl(String url) {
        String u = url.trim();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        java.net.URI uri;
        try {
            uri = new java.net.URI(u);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidConfigException(PUBLIC_URL, "is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new InvalidConfigException(PUBLIC_URL, "must be an http(s) URL such as https://vard.example.se");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new InvalidConfigException(PUBLIC_URL, "must not carry user info, a query or a fragment");
        }
        return u;
    }

    private static String redactUrl(String jdbcUrl) {
        // JDBC URLs can carry password=...; show only the part before the first parameter.
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';'}) {
            int i = jdbcUrl.indexOf(c);
            if (i >= 0) cut = Math.min(cut, i);
        }
        return jdbcUrl.substring(0, cut) + (cut < jdbcUrl.length() ? "…" : "");
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
