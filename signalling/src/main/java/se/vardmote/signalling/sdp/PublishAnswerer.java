package se.vardmote.signalling.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.signalling.sdp.MediaDescription.Extmap;
import se.vardmote.signalling.sdp.MediaDescription.Fingerprint;
import se.vardmote.signalling.sdp.MediaDescription.RtpMap;
import se.vardmote.signalling.sdp.MediaDescription.SsrcGroup;

/**
 * Answers a client's publish offer (client sends, server receives): BUNDLE and rtcp-mux required,
 * DTLS-SRTP only, one codec per section (Opus for audio; VP8 preferred for video, else H.264
 * packetization-mode 1) plus, for video, that codec's RTX (RFC 4588) when offered, a=setup:passive,
 * a=ice-lite, the server's candidates; sections the server cannot take (m=application, unknown media, no
 * usable codec) are rejected with port 0. Transport-wide congestion control (the transport-wide sequence
 * number extension and {@code transport-cc} feedback) is accepted wherever offered: the router answers it,
 * and without it a browser never raises its bitrate. VP8 simulcast (RFC 8853, layers named by rid, RFC 8851)
 * is accepted for up to {@link #MAX_LAYERS} layers when the offer also offers the rid extension: the router
 * picks a layer per subscriber. Redundant audio (RED, RFC 2198) over Opus is accepted when offered and listed
 * first, which is what makes Chromium send it: each packet then repeats the one or two frames before it, so a
 * subscriber recovers a lost packet from the next (the router passes RED to subscribers that decode it and
 * the primary frame to the rest).
 *
 * <p>Stateless; any thread. The answer follows JSEP (RFC 8829 §5.3) for an ICE-lite, DTLS-server peer:
 * every accepted section keeps the offer's mid, order, payload type and extension ids, so the router can
 * read what the client sends without renumbering. An offered section that does not send (recvonly or
 * inactive) is answered inactive: negotiated, bundled, but no stream.
 */
public final class PublishAnswerer {
    private static final String DTLS_SRTP = "UDP/TLS/RTP/SAVPF";
    private static final String OPUS_FMTP = "minptime=10;useinbandfec=1";
    /** Header extensions the router reads, per kind (RFC 6464 audio level, RFC 8843 §15 mid, 3GPP TS 26.114 CVO). */
    private static final List<String> AUDIO_EXTENSIONS = List.of("urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "urn:ietf:params:rtp-hdrext:sdes:mid", Router.TRANSPORT_CC_URI);
    private static final List<String> VIDEO_EXTENSIONS = List.of("urn:ietf:params:rtp-hdrext:sdes:mid",
            "urn:3gpp:video-orientation", Router.TRANSPORT_CC_URI);
    /**
     * The RTCP feedback the server answers (RFC 4585 NACK and PLI, RFC 5104 FIR, transport-cc); nothing else
     * is echoed.
     */
    private static final List<String> VIDEO_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "transport-cc");
    private static final List<String> AUDIO_FEEDBACK = List.of("transport-cc");
    /** Simulcast layers accepted (browsers send three); the rest of an offer's list is declined. */
    static final int MAX_LAYERS = 3;
    private static final List<String> SIMULCAST_EXTENSIONS = List.of(PublishedStream.RID_URI,
            PublishedStream.REPAIRED_RID_URI);

    private PublishAnswerer() {
    }

    /** What the answer does with one offered section. */
    private record Decision(MediaDescription offered, MediaKind kind, RtpMap codec, boolean receives) {
        boolean accepted() {
            return codec != null;
        }
    }

    public static PublishAnswer answer(String offerSdp, LocalTransport local) throws SdpException {
        SessionDescription offer = SessionDescription.parse(offerSdp);
        List<Decision> decisions = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            decisions.add(decide(offer, m));
        }
        List<String> bundle = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.accepted()) {
                check(offer, d.offered());
                bundle.add(d.offered().mid());
            }
        }
        if (bundle.isEmpty()) {
            throw new SdpException("sdp_no_codec",
                    "sdp_no_codec: the offer has no audio section with Opus (48000/2) and no video section with VP8 "
                            + "or H.264 packetization-mode=1; offer at least one of them");
        }
        // RFC 8843 §7.3.1: the answerer's BUNDLE group keeps the offer's order of the mids it accepts.
        bundle.sort((a, b) -> Integer.compare(offer.bundleMids().indexOf(a), offer.bundleMids().indexOf(b)));
        MediaDescription transportSection = offer.section(bundle.get(0));
        Fingerprint remoteFingerprint = transportSection.fingerprint("sha-256");
        RemoteTransport remote = new RemoteTransport(transportSection.iceUfrag(), transportSection.icePwd(),
                remoteFingerprint.hash(), remoteFingerprint.value());

        SdpWriter sdp = new SdpWriter()
                .sessionHeader(Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)), "2")
                .line("a=ice-lite")
                .line("a=group:BUNDLE " + String.join(" ", bundle));
        if (offer.extmapAllowMixed()) {
            sdp.line("a=extmap-allow-mixed");
        }
        sdp.line("a=msid-semantic: WMS");
        List<AcceptedStream> streams = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.accepted()) {
                AcceptedStream stream = writeAccepted(sdp, offer, d, local);
                if (stream != null) {
                    streams.add(stream);
                }
            } else {
                writeRejected(sdp, d.offered());
            }
        }
        return new PublishAnswer(sdp.toString(), remote, streams);
    }

    private static Decision decide(SessionDescription offer, MediaDescription m) throws SdpException {
        MediaKind kind = switch (m.kind()) {
            case "audio" -> MediaKind.AUDIO;
            case "video" -> MediaKind.VIDEO;
            default -> null;
        };
        // RFC 8843 §6, §7.3.3: port 0 with a=bundle-only and a mid in the offer's BUNDLE group is a bundled
        // section that shares the BUNDLE transport (Firefox's max-bundle offers); only a bare port 0 is disabled.
        boolean bundledOnly = m.bundleOnly() && m.mid() != null && offer.bundleMids() != null
                && offer.bundleMids().contains(m.mid());
        if ((m.port() == 0 && !bundledOnly) || kind == null || !m.isRtp()) {
            return new Decision(m, kind, null, false);
        }
        if (!m.proto().equalsIgnoreCase(DTLS_SRTP)) {
            throw new SdpException("sdp_no_dtls", "sdp_no_dtls: the " + m.kind() + " section uses " + m.proto()
                    + "; only " + DTLS_SRTP + " (DTLS-SRTP, RFC 5764) is accepted");
        }
        RtpMap codec = kind == MediaKind.AUDIO ? opus(m) : video(m);
        return new Decision(m, kind, codec, m.remoteSends());
    }

    /** The checks a section must pass before the server takes it; failing any fails the whole offer. */
    private static void check(SessionDescription offer, MediaDescription m) throws SdpException {
        if (offer.bundleMids() == null || m.mid() == null || !offer.bundleMids().contains(m.mid())) {
            throw new SdpException("sdp_no_bundle", "sdp_no_bundle: every audio and video section must be in one "
                    + "a=group:BUNDLE (RFC 8843); set bundlePolicy 'max-bundle'");
        }
        if (!m.rtcpMux()) {
            throw new SdpException("sdp_no_rtcp_mux", "sdp_no_rtcp_mux: section " + m.mid()
                    + " lacks a=rtcp-mux (RFC 5761); set rtcpMuxPolicy 'require'");
        }
        if (m.fingerprint("sha-256") == null) {
            throw new SdpException("sdp_no_dtls", "sdp_no_dtls: section " + m.mid()
                    + " has no a=fingerprint:sha-256 (RFC 8122); DTLS-SRTP needs it");
        }
        if (m.iceUfrag() == null || m.icePwd() == null) {
            throw new SdpException("sdp_invalid", "sdp_invalid: section " + m.mid() + " has no a=ice-ufrag and a=ice-pwd");
        }
        // RFC 5763 §5: the answerer takes the role the offer leaves; the server is always the DTLS server.
        if ("passive".equals(m.setup()) || "holdconn".equals(m.setup())) {
            throw new SdpException("sdp_mismatch", "sdp_mismatch: section " + m.mid() + " has a=setup:" + m.setup()
                    + "; the server is always the DTLS server, offer a=setup:actpass or active");
        }
    }

    private static RtpMap opus(MediaDescription m) {
        for (RtpMap r : offeredCodecs(m)) {
            if (r.encodingName().equalsIgnoreCase("opus") && r.clockRate() == 48000 && r.channels() == 2) {
                return r;
            }
        }
        return null;
    }

    /** VP8 if offered; else H.264 packetization-mode 1, constrained baseline 42e01f first (RFC 6184 §8.1). */
    private static RtpMap video(MediaDescription m) {
        RtpMap best = null;
        int bestRank = Integer.MAX_VALUE;
        for (RtpMap r : offeredCodecs(m)) {
            if (r.clockRate() != 90000) {
                continue;
            }
            if (r.encodingName().equalsIgnoreCase("VP8")) {
                return r;
            }
            if (r.encodingName().equalsIgnoreCase("H264")) {
                Map<String, String> p = fmtpParameters(m.fmtps().get(r.payloadType()));
                if (!"1".equals(p.get("packetization-mode"))) {
                    continue;
                }
                String profile = p.getOrDefault("profile-level-id", "");
                int rank = profile.equals("42e01f") ? 0 : profile.startsWith("42") ? 1 : 2;
                if (rank < bestRank) {
                    best = r;
                    bestRank = rank;
                }
            }
        }
        return best;
    }

    /** The rtpmaps of the payload types on the m= line, in the offer's order of preference. */
    private static List<RtpMap> offeredCodecs(MediaDescription m) {
        List<RtpMap> out = new ArrayList<>();
        for (String format : m.formats()) {
            try {
                RtpMap r = m.rtpMaps().get(Integer.parseInt(format));
                if (r != null) {
                    out.add(r);
                }
            } catch (NumberFormatException notAPayloadType) {
                // A format that is not a payload type cannot be an RTP codec of ours.
            }
        }
        return out;
    }

    /** RFC 4566 fmtp for H.264: key=value pairs separated by ';'; keys lower-cased. */
    private static Map<String, String> fmtpParameters(String fmtp) {
        Map<String, String> out = new LinkedHashMap<>();
        if (fmtp == null) {
            return out;
        }
        for (String pair : fmtp.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                        pair.substring(eq + 1).trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static AcceptedStream writeAccepted(SdpWriter sdp, SessionDescription offer, Decision d, LocalTransport local) {
        MediaDescription m = d.offered();
        RtpMap codec = d.codec();
        int pt = codec.payloadType();
        int rtxPt = d.kind() == MediaKind.VIDEO ? rtxFor(m, pt) : -1;
        int redPt = d.kind() == MediaKind.AUDIO ? redFor(m, pt) : -1;
        sdp.line("m=" + m.kind() + " " + SdpWriter.port(local) + " " + DTLS_SRTP + (redPt >= 0 ? " " + redPt : "")
                + " " + pt + (rtxPt >= 0 ? " " + rtxPt : ""));
        sdp.transport(local, "passive");
        sdp.line("a=mid:" + m.mid());
        Map<String, Integer> extensionIds = new LinkedHashMap<>();
        List<String> layers = simulcastLayers(d);
        List<String> wanted = new ArrayList<>(d.kind() == MediaKind.AUDIO ? AUDIO_EXTENSIONS : VIDEO_EXTENSIONS);
        if (!layers.isEmpty()) {
            wanted.addAll(SIMULCAST_EXTENSIONS);
        }
        for (Extmap e : m.extmaps()) {
            if (!wanted.contains(e.uri()) || extensionIds.containsKey(e.uri())) {
                continue;
            }
            // RFC 8285 §6: the offer's direction is the offerer's; we only need what the client sends.
            String direction = e.direction() == null || e.direction().equals("sendrecv") ? ""
                    : e.direction().equals("sendonly") ? "/recvonly" : null;
            if (direction == null) {
                continue;
            }
            sdp.line("a=extmap:" + e.id() + direction + " " + e.uri());
            extensionIds.put(e.uri(), e.id());
        }
        sdp.line(d.receives() ? "a=recvonly" : "a=inactive");
        sdp.line("a=rtcp-mux");
        if (m.rtcpRsize()) {
            sdp.line("a=rtcp-rsize");
        }
        if (m.extmapAllowMixed() && !offer.extmapAllowMixed()) {
            sdp.line("a=extmap-allow-mixed");
        }
        RtpCodec rtpCodec;
        if (d.kind() == MediaKind.AUDIO) {
            if (redPt >= 0) {
                sdp.line("a=rtpmap:" + redPt + " red/48000/2");
                sdp.line("a=fmtp:" + redPt + " " + pt + "/" + pt);
            }
            sdp.line("a=rtpmap:" + pt + " opus/48000/2");
            sdp.line("a=fmtp:" + pt + " " + OPUS_FMTP);
            writeFeedback(sdp, m, pt, AUDIO_FEEDBACK);
            rtpCodec = new RtpCodec("opus", 48000, 2, pt);
        } else {
            boolean vp8 = codec.encodingName().equalsIgnoreCase("VP8");
            String name = vp8 ? "VP8" : "H264";
            sdp.line("a=rtpmap:" + pt + " " + name + "/90000");
            String fmtp = m.fmtps().get(pt);
            if (!vp8 && fmtp != null && !fmtp.isEmpty()) {
                sdp.line("a=fmtp:" + pt + " " + fmtp);
            }
            writeFeedback(sdp, m, pt, VIDEO_FEEDBACK);
            if (rtxPt >= 0) {
                sdp.line("a=rtpmap:" + rtxPt + " rtx/90000");
                sdp.line("a=fmtp:" + rtxPt + " apt=" + pt);
            }
            rtpCodec = new RtpCodec(name, 90000, 1, pt);
        }
        if (!layers.isEmpty()) {
            // RFC 8853 §5.3: the answer receives the layers it names, each declared with a=rid:<id> recv.
            for (String rid : layers) {
                sdp.line("a=rid:" + rid + " recv");
            }
            sdp.line("a=simulcast:recv " + String.join(";", layers));
        }
        sdp.candidates(local);
        if (!d.receives()) {
            return null;
        }
        long ssrc = layers.isEmpty() ? primarySsrc(m) : 0;
        String msidStream = "-";
        String msidTrack = m.mid();
        if (m.msid() != null) {
            msidStream = m.msid().stream();
            if (m.msid().track() != null) {
                msidTrack = m.msid().track();
            }
        } else if (ssrc != 0) {
            String ssrcMsid = m.ssrcAttribute(ssrc, "msid");
            if (ssrcMsid != null && !ssrcMsid.isBlank()) {
                String[] f = ssrcMsid.trim().split(" ");
                msidStream = f[0];
                if (f.length > 1 && !f[1].isEmpty()) {
                    msidTrack = f[1];
                }
            }
        }
        return new AcceptedStream(m.mid(), d.kind(), ssrc, msidStream, msidTrack, rtpCodec, extensionIds, rtxPt,
                rtxPt >= 0 && layers.isEmpty() ? rtxSsrc(m, ssrc) : 0, layers, redPt);
    }

    /**
     * The simulcast layers to accept: VP8 video that sends at least two, when the rid extension is offered
     * (without it no packet says which layer it belongs to); the first {@link #MAX_LAYERS}. Else none.
     */
    private static List<String> simulcastLayers(Decision d) {
        MediaDescription m = d.offered();
        if (d.kind() != MediaKind.VIDEO || !d.codec().encodingName().equalsIgnoreCase("VP8") || m.sendRids().size() < 2
                || m.extmaps().stream().noneMatch(e -> e.uri().equals(PublishedStream.RID_URI))) {
            return List.of();
        }
        return List.copyOf(m.sendRids().subList(0, Math.min(MAX_LAYERS, m.sendRids().size())));
    }

    /** Echoes the offered feedback of {@code pt} that the server answers, in {@code answered}'s order. */
    private static void writeFeedback(SdpWriter sdp, MediaDescription m, int pt, List<String> answered) {
        List<String> offered = m.rtcpFeedbackFor(pt);
        for (String fb : answered) {
            if (offered.contains(fb)) {
                sdp.line("a=rtcp-fb:" + pt + " " + fb);
            }
        }
    }

    /** The offered RTX payload type whose {@code apt} is {@code pt} (RFC 4588 §8.6), or -1. */
    private static int rtxFor(MediaDescription m, int pt) {
        for (RtpMap r : offeredCodecs(m)) {
            if (r.encodingName().equalsIgnoreCase("rtx") && r.clockRate() == 90000
                    && Integer.toString(pt).equals(fmtpParameters(m.fmtps().get(r.payloadType())).get("apt"))) {
                return r.payloadType();
            }
        }
        return -1;
    }

    /**
     * The offered RED payload type (red/48000/2, RFC 2198) whose fmtp names only {@code pt} as its blocks'
     * codec (Chromium: {@code 111/111}), or -1: the router passes RED of one codec only.
     */
    private static int redFor(MediaDescription m, int pt) {
        for (RtpMap r : offeredCodecs(m)) {
            if (r.encodingName().equalsIgnoreCase("red") && r.clockRate() == 48000 && r.payloadType() != pt) {
                String fmtp = m.fmtps().get(r.payloadType());
                if (fmtp != null && !fmtp.isBlank() && java.util.Arrays.stream(fmtp.trim().split("/"))
                        .allMatch(block -> block.equals(Integer.toString(pt)))) {
                    return r.payloadType();
                }
            }
        }
        return -1;
    }

    /** The RTX SSRC paired with {@code ssrc} in an a=ssrc-group:FID (RFC 5576 §4.2), or 0 (bound later by MID). */
    private static long rtxSsrc(MediaDescription m, long ssrc) {
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equals("FID") && g.ssrcs().size() >= 2 && g.ssrcs().get(0) == ssrc) {
                return g.ssrcs().get(1);
            }
        }
        return 0;
    }

    /** The media SSRC: the first of the first FID group (RFC 5576 §4.2, RFC 4588), else the first a=ssrc, else 0. */
    private static long primarySsrc(MediaDescription m) {
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equals("FID") && !g.ssrcs().isEmpty()) {
                return g.ssrcs().get(0);
            }
        }
        return m.ssrcs().isEmpty() ? 0 : m.ssrcs().get(0).ssrc();
    }

    /**
     * A rejected section (RFC 3264 §6, RFC 8829 §5.3.1): port 0, the offer's proto and first format, its mid,
     * a=inactive and nothing else; it is left out of the BUNDLE group.
     */
    private static void writeRejected(SdpWriter sdp, MediaDescription m) {
        sdp.line("m=" + m.kind() + " 0 " + m.proto() + " " + m.formats().get(0));
        sdp.line("c=IN IP4 0.0.0.0");
        if (m.mid() != null) {
            sdp.line("a=mid:" + m.mid());
        }
        sdp.line("a=inactive");
    }
}
