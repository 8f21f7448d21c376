package se.vardmote.media.dtls;

/**
 * Bounds on the DTLS handshakes a media engine runs at once. A bctls handshake blocks a thread from the
 * first ClientHello to the last flight, so a peer that sends a ClientHello and then nothing holds a thread
 * until its deadline ({@code MediaConfig.dtlsHandshakeTimeout}); these bounds keep such peers from holding
 * them all. Immutable.
 *
 * @param threads       handshake threads, a fixed number ("dtls-handshake-N"); they also run the short
 *                      post-handshake tasks (a retransmitted Finished, close_notify)
 * @param maxInProgress handshakes admitted at once, running or waiting for a thread; a first record
 *                      beyond it is refused (dropped and counted; the peer's retransmission asks again)
 * @param maxPerSource  handshakes admitted at once from one IP address (IPv6: one /64); keep it well below
 *                      {@code threads}, so that one address can never hold every thread
 */
public record DtlsHandshakeLimits(int threads, int maxInProgress, int maxPerSource) {

    /** One address's handshakes in progress at most, by default (a clinic's NAT starting a group visit fits). */
    public static final int DEFAULT_MAX_PER_SOURCE = 8;

    public DtlsHandshakeLimits {
        if (threads < 1) throw new IllegalArgumentException("DTLS handshake threads must be at least 1");
        if (maxInProgress < threads) {
            throw new IllegalArgumentException("DTLS handshakes in progress must be at least the thread count");
        }
        if (maxPerSource < 1) throw new IllegalArgumentException("DTLS handshakes per source must be at least 1");
    }

    /**
     * Four threads per core, at least 16 and at most 64; four times as many handshakes in progress (the rest
     * wait for a thread, within their deadline); {@value #DEFAULT_MAX_PER_SOURCE} per source. Handshake
     * threads mostly wait for the peer's next flight rather than compute, so the floor is about waiting
     * peers, not cores: 16 threads leave half of them free while one address holds its 8.
     */
    public static DtlsHandshakeLimits defaults() {
        return forCores(Runtime.getRuntime().availableProcessors());
    }

    static DtlsHandshakeLimits forCores(int cores) {
        int threads = Math.max(16, Math.min(64, 4 * cores));
        return new DtlsHandshakeLimits(threads, 4 * threads, DEFAULT_MAX_PER_SOURCE);
    }
}
