package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SipConfigTest {

    @Test
    void defaultsAcceptNoGatewayUntilConfigured() throws Exception {
        SipConfig c = SipConfig.fromEnv(Map.of(), "127.0.0.1");
        assertEquals(5060, c.port());
        assertEquals("88", c.videoPrefix());
        assertEquals(PromptLanguage.SV, c.defaultLanguage());
        assertTrue(c.ivrNumbers().isEmpty());
        assertFalse(c.isGateway(InetAddress.getByName("127.0.0.1")));
        assertEquals(Duration.ZERO, c.answerDelay());
    }

    @Test
    void readsEveryVariable() throws Exception {
        SipConfig c = SipConfig.fromEnv(Map.of(
                "VARDMOTE_SIP_PORT", "5070",
                "VARDMOTE_SIP_GATEWAYS", "10.0.0.0/8, 2001:db8::/32",
                "VARDMOTE_SIP_IVR_NUMBERS", "0101234567=sv,+46101234568=en,4000",
                "VARDMOTE_SIP_VIDEO_PREFIX", "77",
                "VARDMOTE_SIP_LANGUAGE", "en",
                "VARDMOTE_SIP_PREFER_OPUS", "true",
                "VARDMOTE_SIP_ANSWER_DELAY_MS", "250"), "0.0.0.0");
        assertEquals(5070, c.port());
        assertTrue(c.isGateway(InetAddress.getByName("10.1.2.3")));
        assertTrue(c.isGateway(InetAddress.getByName("2001:db8::1")));
        assertFalse(c.isGateway(InetAddress.getByName("203.0.113.1")));
        assertEquals(Set.of("0101234567", "+46101234568", "4000"), c.ivrNumbers());
        assertEquals(PromptLanguage.SV, c.languageFor("0101234567"));
        assertEquals(PromptLanguage.EN, c.languageFor("+46101234568"));
        assertEquals(PromptLanguage.EN, c.languageFor("4000"));
        assertEquals("77", c.videoPrefix());
        assertTrue(c.preferOpus());
        assertEquals(Duration.ofMillis(250), c.answerDelay());
    }

    @Test
    void badValuesNameTheirVariable() {
        assertMessage("VARDMOTE_SIP_PORT", Map.of("VARDMOTE_SIP_PORT", "sip"));
        assertMessage("VARDMOTE_SIP_PORT", Map.of("VARDMOTE_SIP_PORT", "70000"));
        assertMessage("VARDMOTE_SIP_GATEWAYS", Map.of("VARDMOTE_SIP_GATEWAYS", "gateway.example.se"));
        assertMessage("VARDMOTE_SIP_IVR_NUMBERS", Map.of("VARDMOTE_SIP_IVR_NUMBERS", "10a"));
        assertMessage("VARDMOTE_SIP_IVR_NUMBERS", Map.of("VARDMOTE_SIP_IVR_NUMBERS", "100=fi"));
        assertMessage("VARDMOTE_SIP_VIDEO_PREFIX", Map.of("VARDMOTE_SIP_VIDEO_PREFIX", "#8"));
        assertMessage("VARDMOTE_SIP_LANGUAGE", Map.of("VARDMOTE_SIP_LANGUAGE", "de"));
    }

    private static void assertMessage(String variable, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SipConfig.fromEnv(env, "127.0.0.1"));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @Test
    void readsDigestCredentialsFromTheEnvironmentOrAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertFalse(SipConfig.fromEnv(Map.of(), "127.0.0.1").hasDigest());
        SipConfig c = SipConfig.fromEnv(Map.of("VARDMOTE_SIP_DIGEST_USER", "gw", "VARDMOTE_SIP_DIGEST_PASSWORD", "s3cret"), "127.0.0.1");
        assertEquals(new DigestCredentials("gw", "s3cret", "vardmote"), c.digest());
        assertFalse(c.toString().contains("s3cret"));
        java.nio.file.Path file = dir.resolve("pw");
        java.nio.file.Files.writeString(file, "fr\u00e5n fil\n");
        c = SipConfig.fromEnv(Map.of("VARDMOTE_SIP_DIGEST_USER", "gw", "VARDMOTE_SIP_DIGEST_PASSWORD_FILE", file.toString(),
                "VARDMOTE_SIP_REALM", "region.example", "VARDMOTE_SIP_DIGEST_ALGORITHMS", "md5"), "127.0.0.1");
        assertEquals("fr\u00e5n fil", c.digest().password());
        assertEquals("region.example", c.digest().realm());
        assertEquals(java.util.List.of("MD5"), c.digest().algorithms());
        assertTrue(SipConfig.dialInRequested(Map.of("VARDMOTE_SIP_DIGEST_USER", "gw")));
        assertFalse(SipConfig.dialInRequested(Map.of()));
        assertMessage("VARDMOTE_SIP_DIGEST_USER", Map.of("VARDMOTE_SIP_DIGEST_PASSWORD", "s3cret"));
        assertMessage("VARDMOTE_SIP_DIGEST_PASSWORD", Map.of("VARDMOTE_SIP_DIGEST_USER", "gw"));
        assertMessage("VARDMOTE_SIP_DIGEST_PASSWORD_FILE", Map.of("VARDMOTE_SIP_DIGEST_USER", "gw",
                "VARDMOTE_SIP_DIGEST_PASSWORD_FILE", dir.resolve("missing").toString()));
    }
}
