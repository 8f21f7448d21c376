package se.vardmote.signalling.sip;

import gov.nist.javax.sip.message.SIPMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/** What the server reads from a gateway's request: its source, Call-ID, transport, Request-URI user and body. */
final class SipRequests {

    private SipRequests() {
    }

    static InetAddress sourceOf(Request request) {
        if (request instanceof SIPMessage m) {
            InetAddress a = m.getPeerPacketSourceAddress();
            return a != null ? a : m.getRemoteAddress();
        }
        return null;
    }

    static String callIdOf(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }

    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
    }

    static String userOf(URI uri) {
        if (uri instanceof SipURI s) return s.getUser();
        if (uri instanceof TelURL t) return (t.isGlobal() ? "+" : "") + t.getPhoneNumber();
        return null;
    }

    static String bodyOf(Request request) {
        byte[] raw = request.getRawContent();
        if (raw == null) return null;
        if (raw.length > PhoneSdpOffer.MAX_BYTES) return "";
        return new String(raw, StandardCharsets.UTF_8);
    }
}
