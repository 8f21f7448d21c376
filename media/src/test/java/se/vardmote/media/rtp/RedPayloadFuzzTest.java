package se.vardmote.media.rtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class RedPayloadFuzzTest {

    /** Any payload bytes: the view answers true or false, and what it names lies inside the payload. */
    @FuzzTest(maxDuration = "20s")
    void readsArbitraryPayloadsWithoutThrowing(byte[] data) {
        RedPayload red = new RedPayload();
        ByteBuf payload = Unpooled.wrappedBuffer(data);
        if (red.wrap(payload, 0, data.length)) {
            assertTrue(red.primaryOffset() >= red.headersLength() && red.primaryLength() > 0
                    && red.primaryOffset() + red.primaryLength() == data.length);
            red.writeBlockPayloadTypes(Unpooled.copiedBuffer(data), 0, 111);
        }
    }
}
