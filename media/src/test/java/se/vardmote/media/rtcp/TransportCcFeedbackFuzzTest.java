package se.vardmote.media.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;

class TransportCcFeedbackFuzzTest {

    /** Any RTCP bytes: the transport-cc parser answers true or false, stays within its arrays, never throws. */
    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryFeedbackWithoutThrowing(byte[] data) {
        RtcpCompound compound = new RtcpCompound().reset(Unpooled.wrappedBuffer(data));
        TransportFeedback feedback = new TransportFeedback();
        TransportCcFeedback.Parsed parsed = new TransportCcFeedback.Parsed(TransportCcFeedback.MAX_STATUSES);
        while (compound.next()) {
            if (compound.packetType() == RtcpCompound.RTPFB && feedback.wrap(compound)) {
                TransportCcFeedback.parse(feedback, parsed);
            }
        }
    }
}
