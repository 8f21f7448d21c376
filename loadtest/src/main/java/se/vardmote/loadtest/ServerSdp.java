package se.vardmote.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the load tester needs from an SDP the server wrote (a publish answer or a subscribe offer): the ICE
 * credentials, the DTLS fingerprint, the host candidates and, per section, the mid, kind, direction,
 * payload types and SSRCs. A reader, not a validator: unknown lines are skipped. Immutable; any thread.
 *
 * <p>Network input: the text is limited to {@link #MAX_LENGTH} characters and {@link #MAX_SECTIONS}
 * sections, and every number is parsed defensively, so no input makes it throw anything but
 * {@link IllegalArgumentException}.
 */
record ServerSdp(String iceUfrag, String icePwd, String fingerprint, String setup,
                 List<Candidate> candidates, List<Section> sections) {

    static final int MAX_LENGTH = 64 * 1024;
    static final int MAX_SECTIONS = 64;
    private static final int MAX_CANDIDATES = 16;

    /** A host candidate (RFC 8839 §5.1): where the server's media port listens. */
    record Candidate(String address, int port, String transport) {}

    /** One m= section. */
    record Section(String kind, String mid, int port, String direction, List<Integer> payloadTypes,
                   List<Long> ssrcs, String msidStream) {
        boolean active() { return port != 0 && !"inactive".equals(direction); }
    }

    static ServerSdp parse(String sdp) {
        if (sdp == null || sdp.length() > MAX_LENGTH) throw new IllegalArgumentException("sdp missing or too long");
        String ufrag = null;
        String pwd = null;
        String fingerprint = null;
        String setup = null;
        List<Candidate> candidates = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        Builder current = null;
        for (String raw : sdp.split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                if (current != null) sections.add(current.build());
                if (sections.size() >= MAX_SECTIONS) throw new IllegalArgumentException("too many m= sections");
                current = new Builder(line.substring(2));
            } else if (line.startsWith("a=ice-ufrag:")) {
                if (ufrag == null) ufrag = line.substring(12).trim();
            } else if (line.startsWith("a=ice-pwd:")) {
                if (pwd == null) pwd = line.substring(10).trim();
            } else if (line.startsWith("a=fingerprint:")) {
                String[] f = line.substring(14).trim().split(" ");
                if (fingerprint == null && f.length == 2 && f[0].equalsIgnoreCase("sha-256")) fingerprint = f[1];
            } else if (line.startsWith("a=setup:")) {
                if (setup == null) setup = line.substring(8).trim();
            } else if (line.startsWith("a=candidate:")) {
                // foundation component transport priority address port typ host
                String[] c = line.substring(12).trim().split(" ");
                if (c.length >= 8 && "typ".equals(c[6]) && candidates.size() < MAX_CANDIDATES) {
                    int port = parseInt(c[5], 0, 65535);
                    if (port > 0) candidates.add(new Candidate(c[4], port, c[2].toLowerCase(Locale.ROOT)));
                }
            } else if (current != null) {
                current.attribute(line);
            }
        }
        if (current != null) sections.add(current.build());
        // Dedupe candidates (every section repeats them under BUNDLE).
        List<Candidate> unique = new ArrayList<>();
        for (Candidate c : candidates) if (!unique.contains(c)) unique.add(c);
        return new ServerSdp(ufrag, pwd, fingerprint, setup, List.copyOf(unique), List.copyOf(sections));
    }

    /** The first UDP candidate, or null. */
    Candidate udpCandidate() {
        for (Candidate c : candidates) if ("udp".equals(c.transport())) return c;
        return null;
    }

    private static int parseInt(String s, int min, int max) {
        long v = parseUnsigned(s);
        return v < min || v > max ? -1 : (int) v;
    }

    private static long parseSsrc(String s) {
        long v = parseUnsigned(s);
        return v > 0xFFFFFFFFL ? -1 : v;
    }

    /** Up to 10 decimal digits as a number; -1 for anything else. */
    private static long parseUnsigned(String s) {
        if (s.isEmpty() || s.length() > 10) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') return -1;
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static final class Builder {
        final String kind;
        final int port;
        final List<Integer> payloadTypes = new ArrayList<>();
        final List<Long> ssrcs = new ArrayList<>();
        String mid;
        String direction = "sendrecv";
        String msidStream;

        Builder(String mLine) {
            String[] f = mLine.trim().split(" ");
            if (f.length < 4) throw new IllegalArgumentException("short m= line");
            kind = f[0];
            int p = parseInt(f[1], 0, 65535);
            if (p < 0) throw new IllegalArgumentException("bad m= port");
            port = p;
            for (int i = 3; i < f.length && payloadTypes.size() < 32; i++) {
                int pt = parseInt(f[i], 0, 127);
                if (pt >= 0) payloadTypes.add(pt);
            }
        }

        void attribute(String line) {
            switch (line) {
                case "a=sendonly", "a=recvonly", "a=sendrecv", "a=inactive" -> direction = line.substring(2);
                default -> {
                    if (line.startsWith("a=mid:")) {
                        mid = line.substring(6).trim();
                    } else if (line.startsWith("a=msid:")) {
                        String[] f = line.substring(7).trim().split(" ");
                        msidStream = f[0];
                    } else if (line.startsWith("a=ssrc:")) {
                        int space = line.indexOf(' ');
                        long ssrc = parseSsrc(space < 0 ? line.substring(7) : line.substring(7, space));
                        if (ssrc > 0 && !ssrcs.contains(ssrc) && ssrcs.size() < 16) ssrcs.add(ssrc);
                    }
                }
            }
        }

        Section build() {
            return new Section(kind, mid, port, direction, List.copyOf(payloadTypes), List.copyOf(ssrcs), msidStream);
        }
    }
}
