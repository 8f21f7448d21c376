package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.media.MediaConfig;

class ServerConfigTest {

    @Test
    void defaultsAreSafeLoopbackSettings() throws Exception {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of());
        assertEquals(8080, c.httpPort());
        assertEquals(10000, c.mediaPort());
        assertEquals(10000, c.mediaTcpPort(), "ICE-TCP beside UDP on the same number");
        assertEquals(1, c.mediaWorkers());
        assertEquals(InetAddress.getByName("127.0.0.1"), c.bindAddress());
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), c.advertisedAddresses());
        assertTrue(c.mediaAllowedNetworks().isEmpty());
        assertEquals("http://127.0.0.1:8080", c.publicUrl());
        assertEquals(Path.of("./data"), c.dataDir());
        assertNull(c.apiKey());
        assertNull(c.dbUrl());
        assertEquals(8, c.maxGroupParticipants());
        assertTrue(c.mediaUdpGso());
        assertTrue(c.mediaConfig().udpGso());
        assertEquals(new se.vardmote.signalling.meeting.MeetingRules(java.time.Duration.ofMinutes(15),
                java.time.Duration.ofMinutes(60), java.time.Duration.ofDays(90)), c.meetingRules());
    }

    @Test
    void readsTheJoinWindowAndConferenceIdRetention() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_JOIN_EARLY_MINUTES", "5",
                "VARDMOTE_JOIN_GRACE_MINUTES", "120", "VARDMOTE_CONFERENCE_ID_RETENTION_DAYS", "30"));
        assertEquals(java.time.Duration.ofMinutes(5), c.meetingRules().joinEarly());
        assertEquals(java.time.Duration.ofMinutes(120), c.meetingRules().joinGrace());
        assertEquals(java.time.Duration.ofDays(30), c.meetingRules().conferenceIdRetention());
        assertTrue(c.toString().contains("conferenceIdRetentionDays=30"));
        for (String[] bad : new String[][] {{"VARDMOTE_JOIN_EARLY_MINUTES", "-1"}, {"VARDMOTE_JOIN_GRACE_MINUTES", "1441"},
                {"VARDMOTE_CONFERENCE_ID_RETENTION_DAYS", "0"}, {"VARDMOTE_CONFERENCE_ID_RETENTION_DAYS", "x"}}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> ServerConfig.fromEnvironment(Map.of(bad[0], bad[1])));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void readsEveryVariable() throws Exception {
        ServerConfig c = ServerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("VARDMOTE_HTTP_PORT", "9090"),
                Map.entry("VARDMOTE_MEDIA_PORT", "20000"),
                Map.entry("VARDMOTE_MEDIA_WORKERS", "4"),
                Map.entry("VARDMOTE_BIND_ADDRESS", "0.0.0.0"),
                Map.entry("VARDMOTE_ADVERTISED_ADDRESSES", "198.51.100.7, 2001:db8::7"),
                Map.entry("VARDMOTE_MEDIA_ALLOWED_NETWORKS", "10.0.0.0/8,::1/128"),
                Map.entry("VARDMOTE_PUBLIC_URL", "https://vard.example.se/"),
                Map.entry("VARDMOTE_DATA_DIR", "/var/lib/vardmote"),
                Map.entry("VARDMOTE_API_KEY", "0123456789abcdef0123"),
                Map.entry("VARDMOTE_DB_URL", "jdbc:postgresql://db/vardmote"),
                Map.entry("VARDMOTE_DB_USER", "vm"),
                Map.entry("VARDMOTE_DB_PASSWORD", "hemligt"),
                Map.entry("VARDMOTE_MAX_GROUP_PARTICIPANTS", "6")));
        assertEquals(9090, c.httpPort());
        assertEquals(20000, c.mediaPort());
        assertEquals(4, c.mediaWorkers());
        assertTrue(c.bindAddress().isAnyLocalAddress());
        assertEquals(List.of(InetAddress.getByName("198.51.100.7"), InetAddress.getByName("2001:db8::7")), c.advertisedAddresses());
        assertEquals("[10.0.0.0/8, 0:0:0:0:0:0:0:1/128]", c.mediaAllowedNetworks().toString());
        assertEquals("https://vard.example.se", c.publicUrl(), "no trailing slash");
        assertEquals(Path.of("/var/lib/vardmote"), c.dataDir());
        assertEquals("jdbc:postgresql://db/vardmote", c.databaseUrl());
        assertEquals(6, c.maxGroupParticipants());
        assertEquals(6, c.signallingConfig().maxGroupParticipants());
        assertEquals(20000, c.mediaConfig().firstPort());
        assertEquals(4, c.mediaConfig().workers());
    }

    @Test
    void readsTheLimitsOnEchoTests() {
        assertEquals(se.vardmote.signalling.echo.EchoLimits.DEFAULTS, ServerConfig.fromEnvironment(Map.of()).signallingConfig().echo());
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_ECHO_MAX_SESSIONS", "5",
                "VARDMOTE_ECHO_PER_SOURCE_PER_MINUTE", "30"));
        assertEquals(5, c.signallingConfig().echo().maxSessions());
        assertEquals(30, c.signallingConfig().echo().perSourcePerMinute());
        assertEquals(0, ServerConfig.fromEnvironment(Map.of("VARDMOTE_ECHO_MAX_SESSIONS", "0")).echo().maxSessions(), "0: no echo tests");
        for (String[] bad : new String[][] {{"VARDMOTE_ECHO_MAX_SESSIONS", "-1"}, {"VARDMOTE_ECHO_PER_SOURCE_PER_MINUTE", "0"},
                {"VARDMOTE_ECHO_PER_SOURCE_PER_MINUTE", "many"}}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(bad[0], bad[1])));
            assertEquals(bad[0], e.variable(), e.getMessage());
        }
    }

    @Test
    void udpGsoCanBeTurnedOffForTheMediaPlane() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_MEDIA_UDP_GSO", "false"));
        assertFalse(c.mediaUdpGso());
        assertFalse(c.mediaConfig().udpGso());
    }

    @Test
    void refusesWildcardBindWithoutAdvertisedAddresses() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("VARDMOTE_BIND_ADDRESS", "0.0.0.0")));
        assertEquals("VARDMOTE_ADVERTISED_ADDRESSES", e.variable());
        assertTrue(e.getMessage().contains("set VARDMOTE_ADVERTISED_ADDRESSES"), e.getMessage());
        assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(Map.of("VARDMOTE_BIND_ADDRESS", "::")));
    }

    @Test
    void refusesAdvertisingAWildcard() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_BIND_ADDRESS", "0.0.0.0", "VARDMOTE_ADVERTISED_ADDRESSES", "0.0.0.0")));
        assertEquals("VARDMOTE_ADVERTISED_ADDRESSES", e.variable());
    }

    @Test
    void namesTheVariableOfABadValue() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("VARDMOTE_HTTP_PORT", "eighty"),
                Map.entry("VARDMOTE_MEDIA_PORT", "70000"),
                Map.entry("VARDMOTE_MEDIA_WORKERS", "0"),
                Map.entry("VARDMOTE_BIND_ADDRESS", "localhost"),
                Map.entry("VARDMOTE_ADVERTISED_ADDRESSES", "1.2.3.4,,5.6.7.8"),
                Map.entry("VARDMOTE_MEDIA_ALLOWED_NETWORKS", "10.0.0.0/33"),
                Map.entry("VARDMOTE_PUBLIC_URL", "ftp://x"),
                Map.entry("VARDMOTE_API_KEY", "short"),
                Map.entry("VARDMOTE_MAX_GROUP_PARTICIPANTS", "1"),
                Map.entry("VARDMOTE_MEDIA_UDP_GSO", "maybe"));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            InvalidConfigException ex = assertThrows(InvalidConfigException.class,
                    () -> ServerConfig.fromEnvironment(Map.of(e.getKey(), e.getValue())), e.getKey());
            assertEquals(e.getKey(), ex.variable());
            assertTrue(ex.getMessage().startsWith(e.getKey() + ": "), ex.getMessage());
        }
    }

    @Test
    void trustsNoProxyUnlessToldWhichNetworksTheProxiesAreOn(@TempDir Path dir) {
        assertTrue(ServerConfig.fromEnvironment(Map.of()).trustedProxies().isEmpty());
        assertTrue(ServerConfig.forTests(dir).trustedProxies().isEmpty());
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_TRUSTED_PROXIES", " 10.0.0.5/32, 2001:db8::/64"));
        assertEquals("[10.0.0.5/32, 2001:db8:0:0:0:0:0:0/64]", c.trustedProxies().toString());
        assertTrue(c.toString().contains("trustedProxies=[10.0.0.5/32"), c.toString());
        assertEquals(c.trustedProxies(), c.withTurn(se.vardmote.signalling.TurnServers.NONE).trustedProxies());
        assertEquals("[127.0.0.3/32]", ServerConfig.forTests(dir)
                .withTrustedProxies(List.of(se.vardmote.media.Cidr.parse("127.0.0.3/32"))).trustedProxies().toString());
        for (String bad : new String[] {"10.0.0.0/33", "proxy.example.se", "10.0.0.1,,10.0.0.2", "0.0.0.0/0", "::/0"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> ServerConfig.fromEnvironment(Map.of("VARDMOTE_TRUSTED_PROXIES", bad)), bad);
            assertEquals("VARDMOTE_TRUSTED_PROXIES", e.variable(), bad);
        }
    }

    @Test
    void refusesMediaPortRangePast65535() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_MEDIA_PORT", "65535", "VARDMOTE_MEDIA_WORKERS", "2")));
        assertEquals("VARDMOTE_MEDIA_PORT", e.variable());
    }

    @Test
    void retentionDefaultsToNinetyDaysAndNeverUndercutsTheConferenceIdRetention() {
        assertEquals(90, ServerConfig.fromEnvironment(Map.of()).retentionDays());
        assertEquals(365, ServerConfig.fromEnvironment(Map.of("VARDMOTE_RETENTION_DAYS", "365")).retentionDays());
        assertEquals(180, ServerConfig.fromEnvironment(Map.of("VARDMOTE_CONFERENCE_ID_RETENTION_DAYS", "180")).retentionDays(),
                "follows a longer conference-id retention when not set");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_RETENTION_DAYS", "30", "VARDMOTE_CONFERENCE_ID_RETENTION_DAYS", "90")));
        assertEquals("VARDMOTE_RETENTION_DAYS", e.variable());
    }

    @Test
    void iceTcpHasItsOwnPortAndZeroTurnsItOff() {
        assertEquals(443, ServerConfig.fromEnvironment(Map.of("VARDMOTE_MEDIA_TCP_PORT", "443")).mediaTcpPort());
        ServerConfig off = ServerConfig.fromEnvironment(Map.of("VARDMOTE_MEDIA_TCP_PORT", "0"));
        assertEquals(MediaConfig.TCP_OFF, off.mediaTcpPort());
        assertFalse(off.mediaConfig().tcpEnabled());
        assertTrue(ServerConfig.fromEnvironment(Map.of()).mediaConfig().tcpEnabled());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_MEDIA_TCP_PORT", "65535", "VARDMOTE_MEDIA_WORKERS", "2")));
        assertEquals("VARDMOTE_MEDIA_TCP_PORT", e.variable());
    }

    @Test
    void readsTurnServersAndNeedsTheirSecret() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of(
                "VARDMOTE_TURN_URLS", "turn:turn.example.se:3478?transport=udp, turns:turn.example.se:443?transport=tcp",
                "VARDMOTE_TURN_SECRET", "turn-sekret-of-enough-length"));
        assertEquals(List.of("turn:turn.example.se:3478?transport=udp", "turns:turn.example.se:443?transport=tcp"),
                c.signallingConfig().turn().urls());
        assertEquals("VARDMOTE_TURN_SECRET", assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_TURN_URLS", "turn:turn.example.se:3478"))).variable());
        assertEquals("VARDMOTE_TURN_SECRET", assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_TURN_URLS", "turn:turn.example.se:3478", "VARDMOTE_TURN_SECRET", "short"))).variable());
        assertEquals("VARDMOTE_TURN_URLS", assertThrows(InvalidConfigException.class, () -> ServerConfig.fromEnvironment(
                Map.of("VARDMOTE_TURN_URLS", "stun:stun.example.se", "VARDMOTE_TURN_SECRET", "turn-sekret-of-enough-length"))).variable());
        assertFalse(ServerConfig.fromEnvironment(Map.of()).signallingConfig().turn().configured(), "no TURN by default");
    }

    @Test
    void neverShowsSecretsInToString() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_API_KEY", "sekret-sekret-sekret",
                "VARDMOTE_DB_PASSWORD", "dbsekret", "VARDMOTE_DB_URL", "jdbc:postgresql://db/v?password=urlsekret",
                "VARDMOTE_TURN_URLS", "turn:127.0.0.1:3478", "VARDMOTE_TURN_SECRET", "turn-sekret-of-enough-length"));
        String s = c.toString();
        assertFalse(s.contains("sekret"), s);
    }

    @Test
    void readsPropertiesFileAndLetsEnvironmentWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vardmote.properties");
        Files.writeString(file, "VARDMOTE_HTTP_PORT=8443\nVARDMOTE_MEDIA_WORKERS=2\n");
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("VARDMOTE_CONFIG", file.toString(), "VARDMOTE_MEDIA_WORKERS", "3"));
        assertEquals(8443, c.httpPort());
        assertEquals(3, c.mediaWorkers());
    }

    @Test
    void refusesMissingOrUnknownPropertiesFile(@TempDir Path dir) throws Exception {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("VARDMOTE_CONFIG", dir.resolve("missing").toString())));
        assertEquals("VARDMOTE_CONFIG", e.variable());
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "VARDMOTE_HTTP_PROT=1\n");
        e = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("VARDMOTE_CONFIG", file.toString())));
        assertTrue(e.getMessage().contains("VARDMOTE_HTTP_PROT"));
    }

    @Test
    void derivesPublicUrlFromBoundPortWhenEphemeral(@TempDir Path dir) {
        ServerConfig c = ServerConfig.forTests(dir);
        assertNull(c.publicUrl());
        assertEquals("http://127.0.0.1:41234", c.publicUrlFor(41234));
        ServerConfig v6 = ServerConfig.fromEnvironment(Map.of("VARDMOTE_BIND_ADDRESS", "::1", "VARDMOTE_HTTP_PORT", "0"));
        assertEquals("http://[0:0:0:0:0:0:0:1]:8081", v6.publicUrlFor(8081));
        ServerConfig wildcard = ServerConfig.fromEnvironment(Map.of("VARDMOTE_BIND_ADDRESS", "0.0.0.0",
                "VARDMOTE_ADVERTISED_ADDRESSES", "198.51.100.7"));
        assertEquals("http://127.0.0.1:8080", wildcard.publicUrl());
    }

    @Test
    void testSettingsStayOnLoopback(@TempDir Path dir) throws Exception {
        ServerConfig c = ServerConfig.forTests(dir);
        assertEquals(0, c.httpPort());
        assertEquals(0, c.mediaPort());
        assertTrue(c.bindAddress().isLoopbackAddress());
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), c.advertisedAddresses());
        assertEquals("[127.0.0.0/8, 0:0:0:0:0:0:0:1/128]", c.mediaAllowedNetworks().toString());
        assertEquals(dir, c.dataDir());
    }
}
