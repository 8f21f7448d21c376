package se.vardmote.signalling.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One m-section of a parsed SDP (RFC 8866 §5.14), with session-level defaults already resolved into it
 * (ice-ufrag/pwd, fingerprint, setup, direction may be written at session level, as Firefox does for
 * the fingerprint). Immutable; any thread.
 *
 * @param kind             the media field of the m= line as written ({@code audio}, {@code video},
 *                         {@code application}, ...), lower-cased
 * @param port             0 means the offerer rejected or disabled the section (RFC 8866 §5.14, RFC 3264 §6)
 * @param formats          the m= line's formats in order (payload types for RTP profiles)
 * @param mid              a=mid (RFC 5888), or null
 * @param direction        sendrecv, sendonly, recvonly or inactive (RFC 3264 §5.1); sendrecv when absent
 * @param iceUfrag         a=ice-ufrag (RFC 8839 §5.4), or null
 * @param icePwd           a=ice-pwd, or null
 * @param fingerprints     a=fingerprint lines (RFC 8122 §5), hash lower-cased and value upper-cased
 * @param setup            a=setup (RFC 4145 §4) lower-cased, or null
 * @param rtpMaps          payload type to a=rtpmap, in the order written
 * @param fmtps            payload type to the a=fmtp parameter string
 * @param rtcpFeedback     payload type to its a=rtcp-fb values (RFC 4585 §4.2); key -1 holds those for {@code *}
 * @param extmaps          a=extmap lines (RFC 8285 §8)
 * @param ssrcs            a=ssrc lines (RFC 5576 §4.1)
 * @param ssrcGroups       a=ssrc-group lines (RFC 5576 §4.2)
 * @param msid             the first a=msid (RFC 8830 §2), or null
 * @param bundleOnly       a=bundle-only (RFC 8843 §6): port 0 here means "use the BUNDLE transport", not rejected
 * @param sendRids         the simulcast layers the offerer sends (RFC 8853 a=simulcast:send, each declared by an
 *                         a=rid:&lt;id&gt; send, RFC 8851), the first alternative of each, paused ones left out; empty
 *                         without simulcast
 */
record MediaDescription(String kind, int port, String proto, List<String> formats, String mid, String direction,
                        String iceUfrag, String icePwd, List<Fingerprint> fingerprints, String setup,
                        boolean rtcpMux, boolean rtcpRsize, boolean extmapAllowMixed,
                        Map<Integer, RtpMap> rtpMaps, Map<Integer, String> fmtps,
                        Map<Integer, List<String>> rtcpFeedback, List<Extmap> extmaps,
                        List<SsrcAttribute> ssrcs, List<SsrcGroup> ssrcGroups, Msid msid,
                        boolean bundleOnly, List<String> sendRids) {

    /** Key in {@link #rtcpFeedback} for {@code a=rtcp-fb:*}, which applies to every payload type. */
    static final int ANY_PAYLOAD_TYPE = -1;

    /** a=fingerprint:&lt;hash&gt; &lt;value&gt;; value as colon-separated upper-case hex. */
    record Fingerprint(String hash, String value) {
    }

    /** a=rtpmap:&lt;pt&gt; &lt;name&gt;/&lt;clock&gt;[/&lt;channels&gt;]; channels 1 when absent. */
    record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {
    }

    /** a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt;; direction null when absent. */
    record Extmap(int id, String direction, String uri) {
    }

    /** a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]; value "" when absent. */
    record SsrcAttribute(long ssrc, String attribute, String value) {
    }

    /** a=ssrc-group:&lt;semantics&gt; &lt;ssrc&gt;...; for FID the first is the media SSRC, the second its RTX. */
    record SsrcGroup(String semantics, List<Long> ssrcs) {
        SsrcGroup {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /** a=msid:&lt;stream id&gt; [&lt;track id&gt;]; track null when absent. */
    record Msid(String stream, String track) {
    }

    MediaDescription {
        formats = List.copyOf(formats);
        fingerprints = List.copyOf(fingerprints);
        rtpMaps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rtpMaps));
        fmtps = Map.copyOf(fmtps);
        rtcpFeedback = Map.copyOf(rtcpFeedback);
        extmaps = List.copyOf(extmaps);
        ssrcs = List.copyOf(ssrcs);
        ssrcGroups = List.copyOf(ssrcGroups);
        sendRids = List.copyOf(sendRids);
    }

    /** True for RTP profiles (RTP/AVP, UDP/TLS/RTP/SAVPF, ...), whose formats are payload types. */
    boolean isRtp() {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/");
    }

    /** The first fingerprint with this hash function, or null. */
    Fingerprint fingerprint(String hash) {
        for (Fingerprint f : fingerprints) {
            if (f.hash().equals(hash)) {
                return f;
            }
        }
        return null;
    }

    /** rtcp-fb values for a payload type, those written for {@code *} included, without duplicates. */
    List<String> rtcpFeedbackFor(int payloadType) {
        List<String> out = new ArrayList<>(rtcpFeedback.getOrDefault(payloadType, List.of()));
        for (String fb : rtcpFeedback.getOrDefault(ANY_PAYLOAD_TYPE, List.of())) {
            if (!out.contains(fb)) {
                out.add(fb);
            }
        }
        return out;
    }

    /** The value of {@code a=ssrc:<ssrc> <attribute>:value}, or null. */
    String ssrcAttribute(long ssrc, String attribute) {
        for (SsrcAttribute a : ssrcs) {
            if (a.ssrc() == ssrc && a.attribute().equals(attribute)) {
                return a.value();
            }
        }
        return null;
    }

    /** True when the remote sends on this section: sendrecv or sendonly. */
    boolean remoteSends() {
        return direction.equals("sendrecv") || direction.equals("sendonly");
    }
}
