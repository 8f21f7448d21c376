package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.List;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.bwe.SendHistory;

/**
 * One peer connection's transport: ICE-lite, DTLS (server role) and SRTP on the shared UDP port
 * of its worker, or on an ICE-TCP connection to it. Owned by its worker's event loop.
 * Methods marked "any thread" are safe anywhere; the rest must be called on {@link #eventLoop()}.
 */
public interface WebRtcTransport {

    /** Short random id for stats and logs (carries nothing sensitive). Any thread. */
    String id();

    /** ICE ufrag the server advertises for this transport. Any thread. */
    String localUfrag();

    /** ICE password the server advertises for this transport. Any thread. */
    String localPassword();

    /** Host candidates: each advertised address with this worker's UDP port, then its TCP port. Any thread. */
    List<IceCandidate> localCandidates();

    /** SHA-256 fingerprint of the server's certificate, as in SDP ({@code AB:CD:...}). Any thread. */
    String localFingerprint();

    /**
     * What the remote SDP says: its ICE credentials and the fingerprint its DTLS certificate must have.
     * {@code fingerprintHash} is the SDP hash name ({@code sha-256}). Any thread.
     */
    void setRemoteParameters(String remoteUfrag, String remotePassword, String fingerprintHash, String fingerprint);

    /** True once DTLS is done and SRTP contexts exist. Event loop. */
    boolean isConnected();

    /**
     * Protects and sends one plaintext RTP packet to the selected remote address.
     * Takes ownership of {@code packet}. Drops it (counted) if the transport is not connected. Event loop.
     */
    void sendRtp(ByteBuf packet);

    /**
     * As {@link #sendRtp}, for a packet that may be dropped first when the path is congested (video: a
     * keyframe request repairs the loss; audio is never sent this way). Event loop.
     */
    default void sendDroppableRtp(ByteBuf packet) {
        sendRtp(packet);
    }

    /** Protects and sends one plaintext RTCP packet (compound or not). Takes ownership. Event loop. */
    /**
     * What the receiving browser estimates its downlink at (bits per second, from its REMB): video sent on
     * this transport is then paced to a multiple of it, audio never waits. 0 stops pacing. Any thread.
     */
    default void setDownlinkEstimate(long bitsPerSecond) {
    }

    void sendRtcp(ByteBuf packet);

    /**
     * From now on, every RTP packet that carries the transport-wide sequence number element (id
     * {@code extensionId}, two bytes, left empty by the router) gets the next number as it leaves, and is
     * recorded in {@code history}: the receiver's transport-cc feedback names packets by these numbers. Any
     * thread.
     */
    default void numberPackets(int extensionId, SendHistory history) {
    }

    /**
     * Opens a probe cluster: the next RTP packets this transport sends, up to {@code bytes} and
     * {@code packets}, are recorded as part of cluster {@code cluster} (see {@link #numberPackets}) and paced at
     * {@code bitsPerSecond} while they leave. Event loop.
     */
    default void probe(int cluster, int bytes, int packets, long bitsPerSecond) {
    }

    /**
     * A pooled heap buffer for a plaintext packet of {@code length} bytes with room for the SRTP/SRTCP
     * trailer, so that protection happens in place. Event loop.
     */
    ByteBuf allocatePacket(int length);

    /** The event loop that owns this transport. Any thread. */
    EventLoop eventLoop();

    /** Closes the transport and frees its state; the receiver hears onClosed once. Idempotent. Any thread. */
    void close();
}
