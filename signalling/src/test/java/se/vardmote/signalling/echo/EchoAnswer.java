package se.vardmote.signalling.echo;

/** Test SDP: what Chromium answers to an echo session's subscribe offer of its audio and video. */
public final class EchoAnswer {
    private EchoAnswer() {
    }

    /** Chromium's answer to an echo offer: recvonly audio (mid 0) and video (mid 1), BUNDLE. */
    public static String chromium() {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n");
        String[][] sections = {{"audio", "111", "0", " opus/48000/2"}, {"video", "96", "1", " VP8/90000"}};
        for (String[] s : sections) {
            sdp.append("m=").append(s[0]).append(" 9 UDP/TLS/RTP/SAVPF ").append(s[1]).append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n")
                    .append("a=ice-ufrag:cLnT\r\na=ice-pwd:clientpassword0123456789\r\na=ice-options:trickle\r\n")
                    .append("a=fingerprint:sha-256 ")
                    .append("11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00\r\n")
                    .append("a=setup:active\r\na=mid:").append(s[2]).append("\r\na=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n")
                    .append("a=rtpmap:").append(s[1]).append(s[3]).append("\r\n");
        }
        return sdp.toString();
    }
}
