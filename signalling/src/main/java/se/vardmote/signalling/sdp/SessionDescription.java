package se.vardmote.signalling.sdp;

import java.util.List;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;

/**
 * A parsed SDP (RFC 8866) as a browser sends it for WebRTC: the session-level facts and the m-sections,
 * with session-level defaults resolved into each section. {@link #parse} is the only way in; it reads
 * untrusted text from the network, so it bounds everything (whole text ≤ 64 KiB, a line ≤ 4 KiB,
 * ≤ 64 m-sections) and reports anything malformed as {@link SdpException} ({@code sdp_invalid} or
 * {@code sdp_too_large}) and never as another exception. Unknown line types and attributes are skipped.
 * Immutable; any thread.
 *
 * @param bundleMids         the mids of the first {@code a=group:BUNDLE} (RFC 8843 §7), or null when there is none
 * @param extmapAllowMixed   {@code a=extmap-allow-mixed} at session level (RFC 8285 §6)
 * @param iceLite            {@code a=ice-lite} at session level (RFC 8839 §5.3)
 */
record SessionDescription(String originSessionId, List<String> bundleMids, boolean extmapAllowMixed,
                          boolean iceLite, String iceUfrag, String icePwd, List<Fingerprint> fingerprints,
                          List<MediaDescription> media) {

    static final int MAX_SDP_BYTES = 64 * 1024;
    static final int MAX_LINE_CHARS = 4 * 1024;
    static final int MAX_MEDIA_SECTIONS = 64;
    /** RFC 8839 §5.4: ice-ufrag and ice-pwd are at most 256 ice-chars. */
    static final int MAX_ICE_CHARS = 256;
    /** Our bound on ids we echo (mid, msid): RFC 8830 allows 64 token-chars for an msid-id. */
    static final int MAX_ID_CHARS = 64;
    /** RFC 8852 §3.1: a rid travels in a one-byte header extension element, 16 octets at most. */
    static final int MAX_RID_CHARS = 16;
    /** rids declared in one section; browsers use three. */
    static final int MAX_RIDS = 8;
    /** A fingerprint of SHA-512 is 64 bytes; nothing longer exists. */
    static final int MAX_FINGERPRINT_BYTES = 64;

    SessionDescription {
        bundleMids = bundleMids == null ? null : List.copyOf(bundleMids);
        fingerprints = List.copyOf(fingerprints);
        media = List.copyOf(media);
    }

    /** The section with this mid, or null. */
    MediaDescription section(String mid) {
        for (MediaDescription m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null || sdp.isEmpty()) {
            throw invalid("the SDP is empty");
        }
        if (sdp.length() > MAX_SDP_BYTES || utf8Length(sdp) > MAX_SDP_BYTES) {
            throw new SdpException("sdp_too_large", "the SDP is larger than " + MAX_SDP_BYTES + " bytes");
        }
        SdpParser p = new SdpParser();
        int pos = 0;
        int lineNumber = 0;
        int length = sdp.length();
        while (pos < length) {
            int newline = sdp.indexOf('\n', pos);
            int end = newline < 0 ? length : newline;
            int next = newline < 0 ? length : newline + 1;
            // RFC 8866 §5: lines end in CRLF, but parsers should accept a bare LF too.
            if (end > pos && sdp.charAt(end - 1) == '\r') {
                end--;
            }
            lineNumber++;
            if (end - pos > MAX_LINE_CHARS) {
                throw new SdpException("sdp_too_large", "SDP line " + lineNumber + " is longer than " + MAX_LINE_CHARS + " characters");
            }
            String line = sdp.substring(pos, end);
            pos = next;
            if (!line.isEmpty()) {
                p.line(line, lineNumber);
            }
        }
        return p.finish();
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    static SdpException invalid(String message) {
        return new SdpException("sdp_invalid", message);
    }

    static boolean isDigits(String s, int maxLength) {
        if (s.isEmpty() || s.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 8866 §9 VCHAR: visible ASCII, no space (URIs are written with these). */
    static boolean isVisible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8866 §9 token-char: visible ASCII except space, '"', '(', ')', ',', '/', ':', ';', '<'...'@', '[', '\', ']'. */
    static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d || c == 0x2e
                    || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x5e && c <= 0x7e);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
