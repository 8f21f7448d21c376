package se.vardmote.signalling.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;
import se.vardmote.signalling.sdp.MediaDescription.Msid;
import se.vardmote.signalling.sdp.MediaDescription.RtpMap;
import se.vardmote.signalling.sdp.MediaDescription.SsrcAttribute;
import se.vardmote.signalling.sdp.MediaDescription.SsrcGroup;

/** One m-section of an SDP while {@link SdpParser} reads it; built into a {@link MediaDescription} at the end. */
final class SdpSection {
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

    SdpSection(String kind, int port, String proto, List<String> formats) {
        this.kind = kind;
        this.port = port;
        this.proto = proto;
        this.formats = formats;
    }

    boolean isRtp() {
        return proto.toUpperCase(Locale.ROOT).contains("RTP/");
    }

    MediaDescription build(SdpParser session) {
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
