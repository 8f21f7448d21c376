package se.vardmote.signalling.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;
import se.vardmote.signalling.sdp.MediaDescription.Msid;
import se.vardmote.signalling.sdp.MediaDescription.RtpMap;
import se.vardmote.signalling.sdp.MediaDescription.SsrcAttribute;
import se.vardmote.signalling.sdp.MediaDescription.SsrcGroup;

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
    private static final int MAX_ICE_CHARS = 256;
    /** Our bound on ids we echo (mid, msid): RFC 8830 allows 64 token-chars for an msid-id. */
    private static final int MAX_ID_CHARS = 64;
    /** RFC 8852 §3.1: a rid travels in a one-byte header extension element, 16 octets at most. */
    private static final int MAX_RID_CHARS = 16;
    /** rids declared in one section; browsers use three. */
    private static final int MAX_RIDS = 8;
    /** A fingerprint of SHA-512 is 64 bytes; nothing longer exists. */
    private static final int MAX_FINGERPRINT_BYTES = 64;

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
        Parser p = new Parser();
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

    /** The mutable state of one parse; confined to the calling thread. */
    private static final class Parser {
        private boolean sawVersion;
        private String originSessionId;
        private List<String> bundleMids;
        private boolean extmapAllowMixed;
        private boolean iceLite;
        private boolean rtcpMux;
        private String iceUfrag;
        private String icePwd;
        private String setup;
        private String direction;
        private final List<Fingerprint> fingerprints = new ArrayList<>();
        private final List<Extmap> extmaps = new ArrayList<>();
        private final List<Section> sections = new ArrayList<>();
        private final Set<String> mids = new HashSet<>();
        private Section current;
        private int lineNumber;

        void line(String line, int number) throws SdpException {
            lineNumber = number;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                // RFC 8866 §9: text is a byte-string without NUL, CR or LF; refuse other controls too (TAB aside).
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw error("has a control character");
                }
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw error("is not of the form <type>=<value>");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    throw invalid("the SDP must start with v=0");
                }
                sawVersion = true;
                return;
            }
            switch (type) {
                case 'v' -> throw error("repeats v=");
                case 'o' -> origin(value);
                case 'm' -> media(value);
                case 'a' -> {
                    int colon = value.indexOf(':');
                    String name = colon < 0 ? value : value.substring(0, colon);
                    String attrValue = colon < 0 ? null : value.substring(colon + 1);
                    if (name.isEmpty() || !isToken(name)) {
                        throw error("has a malformed attribute name");
                    }
                    if (current == null) {
                        sessionAttribute(name, attrValue);
                    } else {
                        mediaAttribute(current, name, attrValue);
                    }
                }
                default -> {
                    // s, t, c, b, i, u, e, p, z, k, r and unknown types carry nothing we negotiate.
                }
            }
        }

        private void origin(String value) throws SdpException {
            if (current != null || originSessionId != null) {
                throw error("has an o= line out of place");
            }
            String[] f = value.split(" ", -1);
            if (f.length != 6 || !isDigits(f[1], 20) || !isDigits(f[2], 20)) {
                throw error("is not a valid o= line (RFC 8866 §5.2)");
            }
            originSessionId = f[1];
        }

        private void media(String value) throws SdpException {
            if (originSessionId == null) {
                throw invalid("the SDP has no o= line before its first m= line");
            }
            if (sections.size() >= MAX_MEDIA_SECTIONS) {
                throw new SdpException("sdp_too_large", "the SDP has more than " + MAX_MEDIA_SECTIONS + " m= sections");
            }
            String[] f = value.split(" ", -1);
            if (f.length < 4) {
                throw error("is not a valid m= line: <media> <port> <proto> <fmt> ...");
            }
            String kind = f[0].toLowerCase(Locale.ROOT);
            if (!isToken(kind)) {
                throw error("has a malformed media type");
            }
            String portText = f[1];
            int slash = portText.indexOf('/');
            if (slash >= 0) {
                // RFC 8866 §5.14: <port>/<number of ports>; we only need the port.
                if (!isDigits(portText.substring(slash + 1), 5)) {
                    throw error("has a malformed port count");
                }
                portText = portText.substring(0, slash);
            }
            int port = (int) number(portText, 65535, "port");
            String proto = f[2];
            if (proto.isEmpty() || !isToken(proto.replace("/", ""))) {
                throw error("has a malformed transport protocol");
            }
            List<String> formats = new ArrayList<>();
            for (int i = 3; i < f.length; i++) {
                if (f[i].isEmpty() || !isToken(f[i])) {
                    throw error("has a malformed format");
                }
                formats.add(f[i]);
            }
            current = new Section(kind, port, proto, formats);
            sections.add(current);
        }

        private void sessionAttribute(String name, String value) throws SdpException {
            switch (name) {
                case "group" -> {
                    String[] f = require(value, name).split(" ", -1);
                    if (f[0].equals("BUNDLE") && bundleMids == null) {
                        List<String> list = new ArrayList<>();
                        for (int i = 1; i < f.length; i++) {
                            list.add(id(f[i], "a BUNDLE mid"));
                        }
                        bundleMids = list;
                    }
                }
                case "ice-ufrag" -> iceUfrag = iceChars(value, name);
                case "ice-pwd" -> icePwd = iceChars(value, name);
                case "fingerprint" -> fingerprints.add(fingerprint(value));
                case "setup" -> setup = setup(value);
                case "extmap-allow-mixed" -> extmapAllowMixed = true;
                case "ice-lite" -> iceLite = true;
                case "rtcp-mux" -> rtcpMux = true;
                case "extmap" -> addExtmap(extmaps, extmap(value));
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
                default -> {
                    // Unknown or uninteresting at session level: ignored (RFC 8866 §5.13).
                }
            }
        }

        private void mediaAttribute(Section s, String name, String value) throws SdpException {
            switch (name) {
                case "mid" -> {
                    if (s.mid != null) {
                        throw error("repeats a=mid in one m= section");
                    }
                    s.mid = id(require(value, name), "a mid");
                    if (!mids.add(s.mid)) {
                        throw error("repeats mid " + s.mid + " (RFC 5888 §4: mids are unique)");
                    }
                }
                case "ice-ufrag" -> s.iceUfrag = iceChars(value, name);
                case "ice-pwd" -> s.icePwd = iceChars(value, name);
                case "fingerprint" -> s.fingerprints.add(fingerprint(value));
                case "setup" -> s.setup = setup(value);
                case "sendrecv", "sendonly", "recvonly", "inactive" -> s.direction = name;
                case "rtcp-mux" -> s.rtcpMux = true;
                case "rtcp-rsize" -> s.rtcpRsize = true;
                case "bundle-only" -> s.bundleOnly = true;
                case "extmap-allow-mixed" -> s.extmapAllowMixed = true;
                case "msid" -> {
                    if (s.msid == null) {
                        String[] f = require(value, name).split(" ", -1);
                        if (f.length > 2) {
                            throw error("is not a valid a=msid (RFC 8830 §2)");
                        }
                        s.msid = new Msid(id(f[0], "an msid stream id"), f.length == 2 ? id(f[1], "an msid track id") : null);
                    }
                }
                default -> {
                    if (s.isRtp()) {
                        rtpAttribute(s, name, value);
                    }
                    // Non-RTP sections (m=application): their attributes are not ours to read.
                }
            }
        }

        private void rtpAttribute(Section s, String name, String value) throws SdpException {
            switch (name) {
                case "rtpmap" -> {
                    String v = require(value, name);
                    int sp = v.indexOf(' ');
                    if (sp < 0) {
                        throw error("is not a valid a=rtpmap");
                    }
                    int pt = payloadType(v.substring(0, sp));
                    String[] enc = v.substring(sp + 1).split("/", -1);
                    if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty() || !isToken(enc[0])) {
                        throw error("is not a valid a=rtpmap: <pt> <name>/<clock rate>[/<channels>]");
                    }
                    int clock = (int) number(enc[1], Integer.MAX_VALUE, "clock rate");
                    int channels = enc.length == 3 ? (int) number(enc[2], 255, "channel count") : 1;
                    if (clock == 0 || channels == 0) {
                        throw error("has a zero clock rate or channel count");
                    }
                    s.rtpMaps.putIfAbsent(pt, new RtpMap(pt, enc[0], clock, channels));
                }
                case "fmtp" -> {
                    String v = require(value, name);
                    int sp = v.indexOf(' ');
                    int pt = payloadType(sp < 0 ? v : v.substring(0, sp));
                    s.fmtps.putIfAbsent(pt, sp < 0 ? "" : v.substring(sp + 1).trim());
                }
                case "rtcp-fb" -> {
                    String v = require(value, name);
                    int sp = v.indexOf(' ');
                    if (sp < 0 || sp == v.length() - 1) {
                        throw error("is not a valid a=rtcp-fb (RFC 4585 §4.2)");
                    }
                    String ptText = v.substring(0, sp);
                    int pt = ptText.equals("*") ? MediaDescription.ANY_PAYLOAD_TYPE : payloadType(ptText);
                    List<String> list = s.rtcpFeedback.computeIfAbsent(pt, k -> new ArrayList<>());
                    String fb = v.substring(sp + 1).trim();
                    if (!list.contains(fb)) {
                        list.add(fb);
                    }
                }
                case "extmap" -> addExtmap(s.extmaps, extmap(value));
                case "ssrc" -> {
                    String v = require(value, name);
                    int sp = v.indexOf(' ');
                    if (sp < 0) {
                        throw error("is not a valid a=ssrc (RFC 5576 §4.1)");
                    }
                    long ssrc = number(v.substring(0, sp), 0xFFFFFFFFL, "SSRC");
                    String rest = v.substring(sp + 1);
                    int colon = rest.indexOf(':');
                    String attr = colon < 0 ? rest : rest.substring(0, colon);
                    if (attr.isEmpty() || !isToken(attr)) {
                        throw error("has a malformed a=ssrc attribute name");
                    }
                    s.ssrcs.add(new SsrcAttribute(ssrc, attr, colon < 0 ? "" : rest.substring(colon + 1)));
                }
                case "rid" -> {
                    // RFC 8851 §10: rid-id SP rid-dir [SP rid-pt-param-list / rid-param-list]
                    String[] f = require(value, name).split(" ", -1);
                    if (f.length < 2 || !(f[1].equals("send") || f[1].equals("recv"))) {
                        throw error("is not a valid a=rid: <id> send|recv [params] (RFC 8851)");
                    }
                    String rid = rid(f[0]);
                    if (s.rids.containsKey(rid)) {
                        throw error("repeats rid " + rid + " (RFC 8851 §4)");
                    }
                    if (s.rids.size() == MAX_RIDS) {
                        throw error("declares more than " + MAX_RIDS + " rids");
                    }
                    s.rids.put(rid, f[1]);
                }
                case "simulcast" -> {
                    if (s.simulcastSend != null) {
                        throw error("repeats a=simulcast in one m= section (RFC 8853 §5.1)");
                    }
                    s.simulcastSend = simulcastSend(require(value, name));
                }
                case "ssrc-group" -> {
                    String[] f = require(value, name).split(" ", -1);
                    if (f.length < 2 || !isToken(f[0])) {
                        throw error("is not a valid a=ssrc-group (RFC 5576 §4.2)");
                    }
                    List<Long> ssrcs = new ArrayList<>();
                    for (int i = 1; i < f.length; i++) {
                        ssrcs.add(number(f[i], 0xFFFFFFFFL, "SSRC"));
                    }
                    s.ssrcGroups.add(new SsrcGroup(f[0], ssrcs));
                }
                default -> {
                    // candidate, end-of-candidates, rtcp, ice-options, rtcp-xr, ...: not negotiated here.
                }
            }
        }

        private String rid(String text) throws SdpException {
            // RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_")
            if (text.isEmpty() || text.length() > MAX_RID_CHARS) {
                throw error("has a rid that is not 1-" + MAX_RID_CHARS + " characters");
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    throw error("has a rid with characters other than letters, digits, '-' and '_' (RFC 8851 §10)");
                }
            }
            return text;
        }

        /**
         * RFC 8853 §5.1: {@code send <list> [recv <list>]} or the other way round; a list is ';'-separated
         * streams, each ','-separated alternatives, a paused one prefixed by '~'. Returns the first alternative
         * of each stream sent, paused ones left out.
         */
        private List<String> simulcastSend(String value) throws SdpException {
            String[] f = value.split(" ", -1);
            if (f.length != 2 && f.length != 4) {
                throw error("is not a valid a=simulcast (RFC 8853 §5.1)");
            }
            List<String> send = new ArrayList<>();
            boolean sawSend = false;
            for (int i = 0; i < f.length; i += 2) {
                boolean isSend = f[i].equals("send");
                if (!isSend && !f[i].equals("recv")) {
                    throw error("has an a=simulcast direction other than send or recv");
                }
                if (isSend && sawSend) {
                    throw error("repeats the send direction in a=simulcast");
                }
                String[] streams = f[i + 1].split(";", -1);
                if (streams.length > MAX_RIDS) {
                    throw error("lists more than " + MAX_RIDS + " simulcast streams");
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

        /** Adds an extmap, refusing a repeated id; this also bounds the list to 255 entries. */
        private void addExtmap(List<Extmap> list, Extmap e) throws SdpException {
            for (Extmap other : list) {
                if (other.id() == e.id()) {
                    throw error("repeats extmap id " + e.id() + " (RFC 8285 §5)");
                }
            }
            list.add(e);
        }

        private Extmap extmap(String value) throws SdpException {
            String[] f = require(value, "extmap").split(" ", -1);
            if (f.length < 2 || f[1].isEmpty()) {
                throw error("is not a valid a=extmap: <id>[/<direction>] <uri>");
            }
            String idText = f[0];
            String dir = null;
            int slash = idText.indexOf('/');
            if (slash >= 0) {
                dir = idText.substring(slash + 1);
                idText = idText.substring(0, slash);
                if (!(dir.equals("sendrecv") || dir.equals("sendonly") || dir.equals("recvonly") || dir.equals("inactive"))) {
                    throw error("has an unknown extmap direction");
                }
            }
            // RFC 8285 §5: ids 1-14 for one-byte headers, up to 255 for two-byte headers.
            int id = (int) number(idText, 255, "extmap id");
            if (id == 0 || !isVisible(f[1])) {
                throw error("is not a valid a=extmap");
            }
            return new Extmap(id, dir, f[1]);
        }

        private Fingerprint fingerprint(String value) throws SdpException {
            String[] f = require(value, "fingerprint").split(" ", -1);
            if (f.length != 2 || f[0].isEmpty() || !isToken(f[0])) {
                throw error("is not a valid a=fingerprint: <hash> <hex>:<hex>... (RFC 8122 §5)");
            }
            String hex = f[1];
            int bytes = (hex.length() + 1) / 3;
            if (bytes < 1 || bytes > MAX_FINGERPRINT_BYTES || hex.length() != bytes * 3 - 1) {
                throw error("has a fingerprint of the wrong length");
            }
            for (int i = 0; i < hex.length(); i++) {
                char c = hex.charAt(i);
                boolean ok = i % 3 == 2 ? c == ':' : Character.digit(c, 16) >= 0 && c < 0x80;
                if (!ok) {
                    throw error("has a fingerprint that is not colon-separated hex");
                }
            }
            return new Fingerprint(f[0].toLowerCase(Locale.ROOT), hex.toUpperCase(Locale.ROOT));
        }

        private String setup(String value) throws SdpException {
            String v = require(value, "setup").toLowerCase(Locale.ROOT);
            if (!(v.equals("actpass") || v.equals("active") || v.equals("passive") || v.equals("holdconn"))) {
                throw error("has an unknown a=setup value (RFC 4145 §4)");
            }
            return v;
        }

        private String iceChars(String value, String name) throws SdpException {
            String v = require(value, name);
            // RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"
            if (v.isEmpty() || v.length() > MAX_ICE_CHARS) {
                throw error("has an a=" + name + " of the wrong length");
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
                    throw error("has an a=" + name + " with characters outside RFC 8839's ice-char");
                }
            }
            return v;
        }

        private String id(String value, String what) throws SdpException {
            if (value.isEmpty() || value.length() > MAX_ID_CHARS || !isToken(value)) {
                throw error("has " + what + " that is not 1-" + MAX_ID_CHARS + " token characters");
            }
            return value;
        }

        private int payloadType(String text) throws SdpException {
            return (int) number(text, 127, "payload type");
        }

        private long number(String text, long max, String what) throws SdpException {
            if (!isDigits(text, 10)) {
                throw error("has a malformed " + what);
            }
            long v = Long.parseLong(text);
            if (v > max) {
                throw error("has a " + what + " above " + max);
            }
            return v;
        }

        private String require(String value, String name) throws SdpException {
            if (value == null || value.isEmpty()) {
                throw error("has an a=" + name + " without a value");
            }
            return value;
        }

        private SdpException error(String what) {
            return invalid("SDP line " + lineNumber + " " + what);
        }

        SessionDescription finish() throws SdpException {
            if (!sawVersion || originSessionId == null) {
                throw invalid("the SDP has no v=0 and o= lines");
            }
            List<MediaDescription> media = new ArrayList<>(sections.size());
            for (Section s : sections) {
                media.add(s.build(this));
            }
            return new SessionDescription(originSessionId, bundleMids, extmapAllowMixed, iceLite, iceUfrag, icePwd,
                    fingerprints, media);
        }
    }

    /** One m-section while it is being read. */
    private static final class Section {
        final String kind;
        final int port;
        final String proto;
        final List<String> formats;
        String mid;
        String direction;
        String iceUfrag;
        String icePwd;
        String setup;
        boolean rtcpMux;
        boolean rtcpRsize;
        boolean extmapAllowMixed;
        boolean bundleOnly;
        Msid msid;
        final List<Fingerprint> fingerprints = new ArrayList<>();
        final Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
        final Map<Integer, String> fmtps = new HashMap<>();
        final Map<Integer, List<String>> rtcpFeedback = new HashMap<>();
        final List<Extmap> extmaps = new ArrayList<>();
        final List<SsrcAttribute> ssrcs = new ArrayList<>();
        final List<SsrcGroup> ssrcGroups = new ArrayList<>();
        final Map<String, String> rids = new LinkedHashMap<>();
        List<String> simulcastSend;

        Section(String kind, int port, String proto, List<String> formats) {
            this.kind = kind;
            this.port = port;
            this.proto = proto;
            this.formats = formats;
        }

        boolean isRtp() {
            return proto.toUpperCase(Locale.ROOT).contains("RTP/");
        }

        MediaDescription build(Parser session) {
            Map<Integer, List<String>> fb = new HashMap<>();
            rtcpFeedback.forEach((k, v) -> fb.put(k, List.copyOf(v)));
            List<Extmap> allExtmaps = new ArrayList<>(extmaps);
            // RFC 8285 §8: a session-level extmap applies to every section that does not map that id itself.
            for (Extmap e : session.extmaps) {
                if (isRtp() && allExtmaps.stream().noneMatch(x -> x.id() == e.id())) {
                    allExtmaps.add(e);
                }
            }
            return new MediaDescription(kind, port, proto, formats, mid,
                    direction != null ? direction : session.direction != null ? session.direction : "sendrecv",
                    iceUfrag != null ? iceUfrag : session.iceUfrag,
                    icePwd != null ? icePwd : session.icePwd,
                    fingerprints.isEmpty() ? session.fingerprints : fingerprints,
                    setup != null ? setup : session.setup,
                    rtcpMux || session.rtcpMux, rtcpRsize, extmapAllowMixed,
                    rtpMaps, fmtps, fb, allExtmaps, ssrcs, ssrcGroups, msid, bundleOnly, sendRids());
        }

        /** The layers named in a=simulcast:send that an a=rid declares for sending (RFC 8853 §5.2). */
        private List<String> sendRids() {
            List<String> out = new ArrayList<>();
            if (simulcastSend != null) {
                for (String rid : simulcastSend) {
                    if ("send".equals(rids.get(rid))) {
                        out.add(rid);
                    }
                }
            }
            return out;
        }
    }

    private static boolean isDigits(String s, int maxLength) {
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
