package se.vardmote.signalling.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import se.vardmote.media.IceCandidate;

/** Captured offers and a server transport for the SDP tests. */
final class SdpFixtures {
    static final String SERVER_FINGERPRINT =
            "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    static final LocalTransport LOCAL = new LocalTransport("srvU", "serverpassword0123456789", SERVER_FINGERPRINT,
            List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 10000),
                    new IceCandidate("2", 1, "udp", 2130706175L, "::1", 10000)));

    private SdpFixtures() {
    }

    static String chromiumOffer() {
        return resource("/sdp/chromium-156-offer.sdp");
    }

    static String firefoxOffer() {
        return resource("/sdp/firefox-153-offer.sdp");
    }

    static String resource(String path) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal valid publish offer (one audio section), with {@code extra} lines appended to that section. */
    static String minimalAudioOffer(String extra) {
        return String.join("\r\n",
                "v=0",
                "o=- 1 2 IN IP4 127.0.0.1",
                "s=-",
                "t=0 0",
                "a=group:BUNDLE a",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                "c=IN IP4 0.0.0.0",
                "a=ice-ufrag:abcd",
                "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                "a=fingerprint:sha-256 " + SERVER_FINGERPRINT,
                "a=setup:actpass",
                "a=mid:a",
                "a=sendonly",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2") + "\r\n" + extra;
    }
}
