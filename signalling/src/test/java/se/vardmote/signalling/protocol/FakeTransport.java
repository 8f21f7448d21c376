package se.vardmote.signalling.protocol;

import io.netty.channel.EventLoop;
import se.vardmote.media.transport.RtpReceiver;

/**
 * The shared transport test double ({@link se.vardmote.media.testkit.FakeTransport}) as signalling's tests use
 * it: never connected, whatever it is sent released at once. Only the room package's RoomsTest still names
 * this class; other tests use the shared one, and so should it, after which this goes.
 */
public final class FakeTransport extends se.vardmote.media.testkit.FakeTransport {

    public FakeTransport(EventLoop loop, RtpReceiver receiver) {
        super(loop, receiver);
        connected(false);
        sent(Sent.RELEASE);
    }
}
