package se.vardmote.media.transport;

import io.netty.channel.EventLoop;

/**
 * One media event loop with its own UDP socket (port). Owns the transports created on it and
 * demultiplexes datagrams to them. Rooms are pinned to one worker so that receive, decrypt, route,
 * encrypt and send all happen on the thread that read the packet.
 */
public final class MediaWorker implements TransportFactory {

    @Override
    public WebRtcTransport createTransport(RtpReceiver receiver) { throw new UnsupportedOperationException("TODO"); }

    /** The loop that owns this worker's socket, transports and routers. */
    public EventLoop eventLoop() { throw new UnsupportedOperationException("TODO"); }
}
