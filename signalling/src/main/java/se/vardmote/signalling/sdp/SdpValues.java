package se.vardmote.signalling.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;

/**
 * Reads the values of SDP attributes for {@link SdpParser}, each within its bounds (ids, rids, ICE credentials,
 * fingerprints, numbers); a value out of bounds is an {@link SdpException} naming the line. Confined to the
 * parsing thread.
 */
final class SdpValues {
    private final SdpParser line;

    SdpValues(SdpParser line) {
        this.line = line;
    }

    String rid(String text) throws SdpException {
        // RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_")
        if (text.isEmpty() || text.length() > SessionDescription.MAX_RID_CHARS) {
            throw line.error("has a rid that is not 1-" + SessionDescription.MAX_RID_CHARS + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                throw line.error("has a rid with characters other than letters, digits, '-' and '_' (RFC 8851 §10)");
            }
        }
        return text;
    }

    /**
     * RFC 8853 §5.1: {@code send <list> [recv <list>]} or the other way round; a list is ';'-separated
     * streams, each ','-separated alternatives, a paused one prefixed by '~'. Returns the first alternative
     * of each stream sent, paused ones left out.
     */
    List<String> simulcastSend(String value) throws SdpException {
        String[] f = value.split(" ", -1);
        if (f.length != 2 && f.length != 4) {
            throw line.error("is not a valid a=simulcast (RFC 8853 §5.1)");
        }
        List<String> send = new ArrayList<>();
        boolean sawSend = false;
        for (int i = 0; i < f.length; i += 2) {
            boolean isSend = f[i].equals("send");
            if (!isSend && !f[i].equals("recv")) {
                throw line.error("has an a=simulcast direction other than send or recv");
            }
            if (isSend && sawSend) {
                throw line.error("repeats the send direction in a=simulcast");
            }
            String[] streams = f[i + 1].split(";", -1);
            if (streams.length > SessionDescription.MAX_RIDS) {
                throw line.error("lists more than " + SessionDescription.MAX_RIDS + " simulcast streams");
            }
            for (String stream : streams) {
                String first = stream.split(",", -1)[0];
                boolean paused = first.startsWith("~");
                String rid = rid(paused ? first.substring(1) : first);
                if (isSend && !paused && !send.contains(rid)) {
                    send.add(rid);
                }
            }
            sawSend |= isSend;
        }
        return send;
    }

    Extmap extmap(String value) throws SdpException {
        String[] f = line.require(value, "extmap").split(" ", -1);
        if (f.length < 2 || f[1].isEmpty()) {
            throw line.error("is not a valid a=extmap: <id>[/<direction>] <uri>");
        }
        String idText = f[0];
        String dir = null;
        int slash = idText.indexOf('/');
        if (slash >= 0) {
            dir = idText.substring(slash + 1);
            idText = idText.substring(0, slash);
            if (!(dir.equals("sendrecv") || dir.equals("sendonly") || dir.equals("recvonly") || dir.equals("inactive"))) {
                throw line.error("has an unknown extmap direction");
            }
        }
        // RFC 8285 §5: ids 1-14 for one-byte headers, up to 255 for two-byte headers.
        int id = (int) number(idText, 255, "extmap id");
        if (id == 0 || !SessionDescription.isVisible(f[1])) {
            throw line.error("is not a valid a=extmap");
        }
        return new Extmap(id, dir, f[1]);
    }

    Fingerprint fingerprint(String value) throws SdpException {
        String[] f = line.require(value, "fingerprint").split(" ", -1);
        if (f.length != 2 || f[0].isEmpty() || !SessionDescription.isToken(f[0])) {
            throw line.error("is not a valid a=fingerprint: <hash> <hex>:<hex>... (RFC 8122 §5)");
        }
        String hex = f[1];
        int bytes = (hex.length() + 1) / 3;
        if (bytes < 1 || bytes > SessionDescription.MAX_FINGERPRINT_BYTES || hex.length() != bytes * 3 - 1) {
            throw line.error("has a fingerprint of the wrong length");
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : Character.digit(c, 16) >= 0 && c < 0x80;
            if (!ok) {
                throw line.error("has a fingerprint that is not colon-separated hex");
            }
        }
        return new Fingerprint(f[0].toLowerCase(Locale.ROOT), hex.toUpperCase(Locale.ROOT));
    }

    String setup(String value) throws SdpException {
        String v = line.require(value, "setup").toLowerCase(Locale.ROOT);
        if (!(v.equals("actpass") || v.equals("active") || v.equals("passive") || v.equals("holdconn"))) {
            throw line.error("has an unknown a=setup value (RFC 4145 §4)");
        }
        return v;
    }

    String iceChars(String value, String name) throws SdpException {
        String v = line.require(value, name);
        // RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"
        if (v.isEmpty() || v.length() > SessionDescription.MAX_ICE_CHARS) {
            throw line.error("has an a=" + name + " of the wrong length");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
                throw line.error("has an a=" + name + " with characters outside RFC 8839's ice-char");
            }
        }
        return v;
    }

    String id(String value, String what) throws SdpException {
        if (value.isEmpty() || value.length() > SessionDescription.MAX_ID_CHARS || !SessionDescription.isToken(value)) {
            throw line.error("has " + what + " that is not 1-" + SessionDescription.MAX_ID_CHARS + " token characters");
        }
        return value;
    }

    int payloadType(String text) throws SdpException {
        return (int) number(text, 127, "payload type");
    }

    long number(String text, long max, String what) throws SdpException {
        if (!SessionDescription.isDigits(text, 10)) {
            throw line.error("has a malformed " + what);
        }
        long v = Long.parseLong(text);
        if (v > max) {
            throw line.error("has a " + what + " above " + max);
        }
        return v;
    }
}
