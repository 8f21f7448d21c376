package se.vardmote.server.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import se.vardmote.server.HttpPipeline;
import se.vardmote.signalling.SignallingSession;

/**
 * Signalling runs off the event loop (a {@code join} reads the database): a connection whose message waits
 * on a slow database holds neither the loop that read it nor another connection's signalling, and each
 * connection's messages still arrive one at a time, in order.
 */
class SignallingOffTheLoopTest {
    private final EventExecutorGroup executors = HttpPipeline.signallingExecutors(4);

    @AfterEach
    void close() {
        executors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private EmbeddedChannel connection(SignallingSession session) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(executors, "signalling", new SignallingBridge(out -> session));
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws", new DefaultHttpHeaders(), null));
        return ch;
    }

    @Test
    void aSessionWaitingOnTheDatabaseHoldsNeitherItsLoopNorAnotherConnection() throws Exception {
        CountDownLatch database = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        BlockingQueue<String> slowSaw = new LinkedBlockingQueue<>();
        EmbeddedChannel slow = connection(new SignallingSession() {
            @Override public void onMessage(String text) {
                slowSaw.add(text);
                slowStarted.countDown();
                try {
                    database.await(10, TimeUnit.SECONDS); // a join's look-up on a stalled database
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            @Override public void onClose() { }
        });
        BlockingQueue<String> otherSaw = new LinkedBlockingQueue<>();
        EmbeddedChannel other = connection(new SignallingSession() {
            @Override public void onMessage(String text) { otherSaw.add(text); }
            @Override public void onClose() { }
        });

        // This thread is both connections' event loop: it goes on while the slow session waits.
        slow.writeInbound(new TextWebSocketFrame("join-1"));
        slow.writeInbound(new TextWebSocketFrame("join-2"));
        assertTrue(slowStarted.await(5, TimeUnit.SECONDS));
        for (String m : List.of("a", "b", "c")) other.writeInbound(new TextWebSocketFrame(m));
        assertEquals("a", otherSaw.poll(5, TimeUnit.SECONDS), "the other connection is answered meanwhile");
        assertEquals("b", otherSaw.poll(5, TimeUnit.SECONDS));
        assertEquals("c", otherSaw.poll(5, TimeUnit.SECONDS));
        assertEquals(List.of("join-1"), List.copyOf(slowSaw), "the slow connection's next message waits its turn");
        assertFalse(database.await(0, TimeUnit.SECONDS), "and all that while the database was still stalled");

        database.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (slowSaw.size() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(List.of("join-1", "join-2"), List.copyOf(slowSaw), "in order once the database answers");
        slow.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }
}
