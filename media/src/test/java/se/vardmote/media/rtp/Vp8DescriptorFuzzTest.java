package se.vardmote.media.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class Vp8DescriptorFuzzTest {

    /** Any payload bytes: the descriptor answers true or false, and a rewrite stays inside a copy of the payload. */
    @FuzzTest(maxDuration = "20s")
    void readsArbitraryPayloadsWithoutThrowing(byte[] data) {
        Vp8Descriptor d = new Vp8Descriptor();
        ByteBuf payload = Unpooled.wrappedBuffer(data);
        if (d.wrap(payload, 0, data.length)) {
            ByteBuf copy = Unpooled.copiedBuffer(data);
            d.writePictureId(copy, 0, d.pictureId() + 1);
            d.writeTl0PicIdx(copy, 0, d.tl0PicIdx() + 1);
        }
    }
}
