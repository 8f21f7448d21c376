package se.vardmote.media.transport;

/** Creates transports on one event loop; a {@link MediaWorker} is one, tests use fakes. */
@FunctionalInterface
public interface TransportFactory {
    /** A new transport whose packets and events go to {@code receiver}. Any thread. */
    WebRtcTransport createTransport(RtpReceiver receiver);
}
