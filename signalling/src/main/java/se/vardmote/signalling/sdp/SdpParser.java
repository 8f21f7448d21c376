package se.vardmote.signalling.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;
import se.vardmote.signalling.sdp.MediaDescription.Msid;
import se.vardmote.signalling.sdp.MediaDescription.RtpMap;
import se.vardmote.signalling.sdp.MediaDescription.SsrcAttribute;
import se.vardmote.signalling.sdp.MediaDescription.SsrcGroup;

/**
 * The state of one parse of {@link SessionDescription#parse}: the lines in order, session-level facts, and the
 * m-section being read ({@link SdpSection}); attribute values are read by {@link SdpValues}. Confined to the
 * calling thread.
 */
final class SdpParser {
    private boolean sawVersion;
    private String originSessionId;
    private List<String> bundleMids;
    private boolean extmapAllowMixed;
    private boolean iceLite;
    // Session-level defaults that SdpSection.build resolves into each section.
    boolean rtcpMux;
    String iceUfrag;
    String icePwd;
    String setup;
    String direction;
    final List<Fingerprint> fingerprints = new ArrayList<>();
    final List<Extmap> extmaps = new ArrayList<>();
    private final List<SdpSection> sections = new ArrayList<>();
    private final Set<String> mids = new HashSet<>();
    private SdpSection current;
    private int lineNumber;
    private final SdpValues values = new SdpValues(this);

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
                throw SessionDescription.invalid("the SDP must start with v=0");
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
                if (name.isEmpty() || !SessionDescription.isToken(name)) {
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
        if (f.length != 6 || !SessionDescription.isDigits(f[1], 20) || !SessionDescription.isDigits(f[2], 20)) {
            throw error("is not a valid o= line (RFC 8866 §5.2)");
        }
        originSessionId = f[1];
    }

    private void media(String value) throws SdpException {
        if (originSessionId == null) {
            throw SessionDescription.invalid("the SDP has no o= line before its first m= line");
        }
        if (sections.size() >= SessionDescription.MAX_MEDIA_SECTIONS) {
            throw new SdpException("sdp_too_large", "the SDP has more than " + SessionDescription.MAX_MEDIA_SECTIONS + " m= sections");
        }
        String[] f = value.split(" ", -1);
        if (f.length < 4) {
            throw error("is not a valid m= line: <media> <port> <proto> <fmt> ...");
        }
        String kind = f[0].toLowerCase(Locale.ROOT);
        if (!SessionDescription.isToken(kind)) {
            throw error("has a malformed media type");
        }
        String portText = f[1];
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            // RFC 8866 §5.14: <port>/<number of ports>; we only need the port.
            if (!SessionDescription.isDigits(portText.substring(slash + 1), 5)) {
                throw error("has a malformed port count");
            }
            portText = portText.substring(0, slash);
        }
        int port = (int) values.number(portText, 65535, "port");
        String proto = f[2];
        if (proto.isEmpty() || !SessionDescription.isToken(proto.replace("/", ""))) {
            throw error("has a malformed transport protocol");
        }
        List<String> formats = new ArrayList<>();
        for (int i = 3; i < f.length; i++) {
            if (f[i].isEmpty() || !SessionDescription.isToken(f[i])) {
                throw error("has a malformed format");
            }
            formats.add(f[i]);
        }
        current = new SdpSection(kind, port, proto, formats);
        sections.add(current);
    }

    private void sessionAttribute(String name, String value) throws SdpException {
        switch (name) {
            case "group" -> {
                String[] f = require(value, name).split(" ", -1);
                if (f[0].equals("BUNDLE") && bundleMids == null) {
                    List<String> list = new ArrayList<>();
                    for (int i = 1; i < f.length; i++) {
                        list.add(values.id(f[i], "a BUNDLE mid"));
                    }
                    bundleMids = list;
                }
            }
            case "ice-ufrag" -> iceUfrag = values.iceChars(value, name);
            case "ice-pwd" -> icePwd = values.iceChars(value, name);
            case "fingerprint" -> fingerprints.add(values.fingerprint(value));
            case "setup" -> setup = values.setup(value);
            case "extmap-allow-mixed" -> extmapAllowMixed = true;
            case "ice-lite" -> iceLite = true;
            case "rtcp-mux" -> rtcpMux = true;
            case "extmap" -> addExtmap(extmaps, values.extmap(value));
            case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
            default -> {
                // Unknown or uninteresting at session level: ignored (RFC 8866 §5.13).
            }
        }
    }

    private void mediaAttribute(SdpSection s, String name, String value) throws SdpException {
        switch (name) {
            case "mid" -> {
                if (s.mid != null) {
                    throw error("repeats a=mid in one m= section");
                }
                s.mid = values.id(require(value, name), "a mid");
                if (!mids.add(s.mid)) {
                    throw error("repeats mid " + s.mid + " (RFC 5888 §4: mids are unique)");
                }
            }
            case "ice-ufrag" -> s.iceUfrag = values.iceChars(value, name);
            case "ice-pwd" -> s.icePwd = values.iceChars(value, name);
            case "fingerprint" -> s.fingerprints.add(values.fingerprint(value));
            case "setup" -> s.setup = values.setup(value);
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
                    s.msid = new Msid(values.id(f[0], "an msid stream id"), f.length == 2 ? values.id(f[1], "an msid track id") : null);
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

    private void rtpAttribute(SdpSection s, String name, String value) throws SdpException {
        switch (name) {
            case "rtpmap" -> {
                String v = require(value, name);
                int sp = v.indexOf(' ');
                if (sp < 0) {
                    throw error("is not a valid a=rtpmap");
                }
                int pt = values.payloadType(v.substring(0, sp));
                String[] enc = v.substring(sp + 1).split("/", -1);
                if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty() || !SessionDescription.isToken(enc[0])) {
                    throw error("is not a valid a=rtpmap: <pt> <name>/<clock rate>[/<channels>]");
                }
                int clock = (int) values.number(enc[1], Integer.MAX_VALUE, "clock rate");
                int channels = enc.length == 3 ? (int) values.number(enc[2], 255, "channel count") : 1;
                if (clock == 0 || channels == 0) {
                    throw error("has a zero clock rate or channel count");
                }
                s.rtpMaps.putIfAbsent(pt, new RtpMap(pt, enc[0], clock, channels));
            }
            case "fmtp" -> {
                String v = require(value, name);
                int sp = v.indexOf(' ');
                int pt = values.payloadType(sp < 0 ? v : v.substring(0, sp));
                s.fmtps.putIfAbsent(pt, sp < 0 ? "" : v.substring(sp + 1).trim());
            }
            case "rtcp-fb" -> {
                String v = require(value, name);
                int sp = v.indexOf(' ');
                if (sp < 0 || sp == v.length() - 1) {
                    throw error("is not a valid a=rtcp-fb (RFC 4585 §4.2)");
                }
                String ptText = v.substring(0, sp);
                int pt = ptText.equals("*") ? MediaDescription.ANY_PAYLOAD_TYPE : values.payloadType(ptText);
                List<String> list = s.rtcpFeedback.computeIfAbsent(pt, k -> new ArrayList<>());
                String fb = v.substring(sp + 1).trim();
                if (!list.contains(fb)) {
                    list.add(fb);
                }
            }
            case "extmap" -> addExtmap(s.extmaps, values.extmap(value));
            case "ssrc" -> {
                String v = require(value, name);
                int sp = v.indexOf(' ');
                if (sp < 0) {
                    throw error("is not a valid a=ssrc (RFC 5576 §4.1)");
                }
                long ssrc = values.number(v.substring(0, sp), 0xFFFFFFFFL, "SSRC");
                String rest = v.substring(sp + 1);
                int colon = rest.indexOf(':');
                String attr = colon < 0 ? rest : rest.substring(0, colon);
                if (attr.isEmpty() || !SessionDescription.isToken(attr)) {
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
                String rid = values.rid(f[0]);
                if (s.rids.containsKey(rid)) {
                    throw error("repeats rid " + rid + " (RFC 8851 §4)");
                }
                if (s.rids.size() == SessionDescription.MAX_RIDS) {
                    throw error("declares more than " + SessionDescription.MAX_RIDS + " rids");
                }
                s.rids.put(rid, f[1]);
            }
            case "simulcast" -> {
                if (s.simulcastSend != null) {
                    throw error("repeats a=simulcast in one m= section (RFC 8853 §5.1)");
                }
                s.simulcastSend = values.simulcastSend(require(value, name));
            }
            case "ssrc-group" -> {
                String[] f = require(value, name).split(" ", -1);
                if (f.length < 2 || !SessionDescription.isToken(f[0])) {
                    throw error("is not a valid a=ssrc-group (RFC 5576 §4.2)");
                }
                List<Long> ssrcs = new ArrayList<>();
                for (int i = 1; i < f.length; i++) {
                    ssrcs.add(values.number(f[i], 0xFFFFFFFFL, "SSRC"));
                }
                s.ssrcGroups.add(new SsrcGroup(f[0], ssrcs));
            }
            default -> {
                // candidate, end-of-candidates, rtcp, ice-options, rtcp-xr, ...: not negotiated here.
            }
        }
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

    String require(String value, String name) throws SdpException {
        if (value == null || value.isEmpty()) {
            throw error("has an a=" + name + " without a value");
        }
        return value;
    }

    SdpException error(String what) {
        return SessionDescription.invalid("SDP line " + lineNumber + " " + what);
    }

    SessionDescription finish() throws SdpException {
        if (!sawVersion || originSessionId == null) {
            throw SessionDescription.invalid("the SDP has no v=0 and o= lines");
        }
        List<MediaDescription> media = new ArrayList<>(sections.size());
        for (SdpSection s : sections) {
            media.add(s.build(this));
        }
        return new SessionDescription(originSessionId, bundleMids, extmapAllowMixed, iceLite, iceUfrag, icePwd,
                fingerprints, media);
    }
}
