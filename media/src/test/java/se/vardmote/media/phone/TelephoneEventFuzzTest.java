package se.vardmote.media.phone;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class TelephoneEventFuzzTest {

    /** Any bytes as an RTP payload: the view answers true or false, never throws, and reads only inside. */
    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryPayloadsWithoutThrowing(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        TelephoneEvent event = new TelephoneEvent();
        DtmfReceiver dtmf = new DtmfReceiver();
        int offset = data.length > 0 ? (data[0] & 3) : 0;
        if (event.wrap(buf, offset, data.length - offset)) {
            event.end();
            event.volume();
            event.duration();
            event.key();
            dtmf.onPacket(event.duration(), event.event());
        }
    }
}
