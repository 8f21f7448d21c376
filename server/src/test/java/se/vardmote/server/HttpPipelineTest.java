package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;
import se.vardmote.signalling.SessionOutput;
import se.vardmote.signalling.SignallingSession;

class HttpPipelineTest {

    @Test
    void servesPipelinedRequestsInOrder() {
        try (EmbeddedHttp http = new EmbeddedHttp()) {
            List<FullHttpResponse> responses = http.exchange(EmbeddedHttp.get("/health") + EmbeddedHttp.get("/nothing"));
            assertEquals(2, responses.size());
            assertEquals(200, responses.get(0).status().code());
            assertEquals(404, responses.get(1).status().code());
            responses.forEach(FullHttpResponse::release);
        }
    }

    @Test
    void refusesOverlongRequestLine() {
        try (EmbeddedHttp http = new EmbeddedHttp()) {
            http.channel.writeInbound(Unpooled.copiedBuffer(EmbeddedHttp.get("/" + "a".repeat(5000)), StandardCharsets.ISO_8859_1));
            ByteBuf out = http.channel.readOutbound();
            assertTrue(out.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 400"));
            out.release();
        }
    }

    /**
     * Any bytes a client may send: the pipeline answers or closes, never throws out of the channel, and
     * releases every buffer (leak detection is paranoid in tests).
     */
    @FuzzTest(maxDuration = "60s")
    void handlesArbitraryRequestBytes(byte[] data) {
        SignallingSession quiet = new SignallingSession() {
            @Override
            public void onMessage(String text) {
            }

            @Override
            public void onClose() {
            }
        };
        try (EmbeddedHttp http = new EmbeddedHttp((SessionOutput out) -> quiet)) {
            http.channel.writeInbound(Unpooled.wrappedBuffer(data));
            http.channel.runPendingTasks();
            for (Object o; (o = http.channel.readOutbound()) != null; ) ReferenceCountUtil.release(o);
            http.channel.checkException();
        }
    }
}
