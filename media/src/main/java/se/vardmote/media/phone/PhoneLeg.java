package se.vardmote.media.phone;

import java.net.InetSocketAddress;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;

/**
 * The media side of one telephone call: plain RTP/AVP (symmetric RTP) on its own UDP port, G.711 or
 * Opus, RFC 4733 DTMF in, prompts out while the caller is in the IVR or the lobby, and, once admitted,
 * the room's mix-minus out and the caller's voice into the room as an Opus stream.
 * Created by {@code MediaEngine.createPhoneLeg}. Public methods are safe from any thread.
 */
public final class PhoneLeg {

    /** The UDP port this leg receives RTP on (for the SDP answer's m= line). */
    public int localPort() { throw new UnsupportedOperationException("TODO"); }

    /** The address to put in the SDP answer's c= line (the first advertised address). */
    public String localAddress() { throw new UnsupportedOperationException("TODO"); }

    /**
     * Where the gateway's RTP comes from and what it speaks. Symmetric RTP: the leg sends to the
     * address packets actually arrive from once any do.
     *
     * @param telephoneEventPayloadType the negotiated telephone-event PT, or -1 if none
     */
    public void setRemote(InetSocketAddress rtp, PhoneCodec codec, int telephoneEventPayloadType) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Plays a prompt (after whatever is queued), once or looped until {@link #stopPlayback}. */
    public void play(Prompt prompt, boolean loop) { throw new UnsupportedOperationException("TODO"); }

    /** Stops and forgets queued prompts. */
    public void stopPlayback() { throw new UnsupportedOperationException("TODO"); }

    /**
     * Connects the caller to a room: the leg hears everyone in {@code router} but itself (mixed,
     * every 20 ms), and its voice is published into the router as an Opus stream that subscribers
     * receive like any other audio. Prompts stop.
     */
    public PublishedStream joinMix(Router router) { throw new UnsupportedOperationException("TODO"); }

    /** Disconnects from the room's mix (back to the lobby, say); the published stream ends. */
    public void leaveMix() { throw new UnsupportedOperationException("TODO"); }

    /** Frees the port and everything else. Idempotent. */
    public void close() { throw new UnsupportedOperationException("TODO"); }
}
