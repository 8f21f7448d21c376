package se.vardmote.signalling.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A telephony gateway's SDP offer (RFC 4566, RTP/AVP), reduced to what a phone leg needs: the address and
 * port of the first audio stream, its payload formats with their rtpmaps, and its direction. Immutable.
 * A parser of network input, so it has limits ({@link #MAX_BYTES}, {@link #MAX_LINES},
 * {@link #MAX_FORMATS}) and throws only {@link IllegalArgumentException}; fuzzed by
 * {@code PhoneSdpOfferFuzzTest}. Deliberately separate from the WebRTC SDP classes: a gateway speaks plain
 * RTP/AVP without ICE, DTLS or BUNDLE.
 *
 * @param address   the audio stream's {@code c=} address (media level, else session level)
 * @param port      the {@code m=audio} port; 0 means the stream is rejected/disabled
 * @param formats   payload formats in the offer's order of preference
 * @param direction {@code sendrecv}, {@code sendonly}, {@code recvonly} or {@code inactive}
 */
public record PhoneSdpOffer(String address, int port, List<Format> formats, String direction) {

    public static final int MAX_BYTES = 8192;
    public static final int MAX_LINES = 128;
    public static final int MAX_FORMATS = 32;

    /**
     * One payload format.
     *
     * @param payloadType 0–127
     * @param encoding    from {@code a=rtpmap} (or the static table for 0 and 8), e.g. {@code PCMU},
     *                    {@code telephone-event}; null when unknown
     * @param clockRate   from {@code a=rtpmap}; 0 when unknown
     */
    public record Format(int payloadType, String encoding, int clockRate) {
    }

    public PhoneSdpOffer {
        formats = List.copyOf(formats);
    }

    /** Parses an offer. Throws IllegalArgumentException (with a short reason) for anything unusable. */
    public static PhoneSdpOffer parse(String sdp) {
        if (sdp == null || sdp.isEmpty()) throw new IllegalArgumentException("no SDP");
        if (sdp.length() > MAX_BYTES) throw new IllegalArgumentException("SDP too large");
        String sessionAddress = null;
        String mediaAddress = null;
        String sessionDirection = "sendrecv";
        String mediaDirection = null;
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        List<String[]> rtpmaps = new ArrayList<>();
        boolean inAudio = false;
        boolean seenAudio = false;
        int lines = 0;
        int start = 0;
        while (start < sdp.length()) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) end = sdp.length();
            String line = sdp.substring(start, end);
            start = end + 1;
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.isEmpty()) continue;
            if (++lines > MAX_LINES) throw new IllegalArgumentException("SDP has too many lines");
            if (line.length() < 2 || line.charAt(1) != '=') throw new IllegalArgumentException("malformed SDP line");
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                inAudio = false;
                if (seenAudio) continue; // only the first audio stream is used
                String[] f = value.split(" ");
                if (f.length < 4) throw new IllegalArgumentException("malformed m= line");
                if (!f[0].equals("audio")) continue;
                if (!f[2].equals("RTP/AVP") && !f[2].equals("RTP/AVPF")) {
                    throw new IllegalArgumentException("unsupported transport " + clip(f[2]) + ": use RTP/AVP");
                }
                port = parseInt(f[1], 0, 65535, "m= port");
                if (f.length - 3 > MAX_FORMATS) throw new IllegalArgumentException("too many payload formats");
                for (int i = 3; i < f.length; i++) pts.add(parseInt(f[i], 0, 127, "payload type"));
                inAudio = true;
                seenAudio = true;
            } else if (type == 'c') {
                String[] f = value.split(" ");
                if (f.length != 3 || !f[0].equals("IN") || !(f[1].equals("IP4") || f[1].equals("IP6"))) {
                    throw new IllegalArgumentException("malformed c= line");
                }
                String addr = f[2];
                int slash = addr.indexOf('/');
                if (slash >= 0) addr = addr.substring(0, slash); // multicast TTL: not for us, but harmless
                if (addr.isEmpty() || addr.length() > 64 || !addr.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("c= address is not an IP literal");
                }
                if (inAudio) mediaAddress = addr;
                else if (!seenAudio) sessionAddress = addr;
            } else if (type == 'a') {
                if (value.equals("sendrecv") || value.equals("sendonly") || value.equals("recvonly") || value.equals("inactive")) {
                    if (inAudio) mediaDirection = value;
                    else if (!seenAudio) sessionDirection = value;
                } else if (inAudio && value.startsWith("rtpmap:")) {
                    // a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]  (RFC 4566 §6)
                    String[] f = value.substring(7).split(" ", 2);
                    if (f.length != 2) throw new IllegalArgumentException("malformed rtpmap");
                    String[] enc = f[1].split("/");
                    if (enc.length < 2 || enc[0].isEmpty() || enc[0].length() > 32) {
                        throw new IllegalArgumentException("malformed rtpmap");
                    }
                    rtpmaps.add(new String[] {f[0], enc[0], enc[1]});
                }
            }
        }
        if (!seenAudio) throw new IllegalArgumentException("no audio stream");
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) throw new IllegalArgumentException("no c= address");
        List<Format> formats = new ArrayList<>(pts.size());
        for (int pt : pts) {
            String encoding = pt == 0 ? "PCMU" : pt == 8 ? "PCMA" : pt == 9 ? "G722" : null; // RFC 3551 static types
            int rate = encoding == null ? 0 : 8000;
            for (String[] m : rtpmaps) {
                if (m[0].equals(Integer.toString(pt))) {
                    encoding = m[1];
                    rate = parseInt(m[2], 1, 192_000, "clock rate");
                }
            }
            formats.add(new Format(pt, encoding, rate));
        }
        return new PhoneSdpOffer(address, port, formats, mediaDirection != null ? mediaDirection : sessionDirection);
    }

    /** The first format with this encoding (case-insensitive) and clock rate, or null. */
    public Format find(String encoding, int clockRate) {
        for (Format f : formats) {
            if (f.encoding() != null && f.encoding().toLowerCase(Locale.ROOT).equals(encoding.toLowerCase(Locale.ROOT))
                    && f.clockRate() == clockRate) {
                return f;
            }
        }
        return null;
    }

    private static int parseInt(String s, int min, int max, String what) {
        if (s.isEmpty() || s.length() > 6) throw new IllegalArgumentException("bad " + what);
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException("bad " + what);
            v = v * 10 + (c - '0');
        }
        if (v < min || v > max) throw new IllegalArgumentException(what + " out of range");
        return v;
    }

    private static String clip(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
