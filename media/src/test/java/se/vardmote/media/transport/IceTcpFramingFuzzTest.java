package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;

/**
 * Any bytes on an ICE-TCP connection, through the production pipeline (RFC 4571 de-framing and the
 * worker's demultiplexing), on the worker's own loop: nothing throws, nothing is left open or bound after
 * the connection closes.
 */
class IceTcpFramingFuzzTest {

    private static MediaEngine engine;
    private static MediaWorker worker;

    @BeforeAll
    static void start() throws Exception {
        engine = MediaEngine.start(MediaConfig.loopbackForTests());
        worker = engine.workers().get(0);
        worker.createTransport(new RecordingReceiver()); // a ufrag to find, so STUN gets past the first look-up
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** An in-memory connection from a loopback source, as the worker's server channel would accept it. */
    private static final class FromLoopback extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void arbitraryBytesOnAConnectionAreFramedOrRefusedWithoutThrowing(byte[] data) throws Exception {
        worker.eventLoop().submit(() -> {
            EmbeddedChannel ch = new FromLoopback();
            TcpMediaLink.install(ch.pipeline(), worker);
            ch.pipeline().fireChannelActive();
            // in two writes, so frames that straddle reads are exercised as on a real socket
            int half = data.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(data, 0, half));
            ch.writeInbound(Unpooled.wrappedBuffer(data, half, data.length - half));
            ch.finishAndReleaseAll();
        }).get(5, TimeUnit.SECONDS);
        assertEquals(0, worker.tcpLinkCount());
    }
}
