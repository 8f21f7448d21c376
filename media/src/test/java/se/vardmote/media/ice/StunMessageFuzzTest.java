package se.vardmote.media.ice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import javax.crypto.spec.SecretKeySpec;

class StunMessageFuzzTest {

    private static final SecretKeySpec KEY = MessageIntegrity.shortTermKey("serverpassword0123456789");

    /** Any bytes: the parser answers true or false and never throws; accessors are safe after true. */
    @FuzzTest(maxDuration = "30s")
    void parsesArbitraryBytesWithoutThrowing(byte[] data) {
        StunMessage message = new StunMessage();
        if (message.wrap(Unpooled.wrappedBuffer(data))) {
            message.username();
            message.localUfrag();
            message.xorMappedAddress();
            message.priority();
            new MessageIntegrity().verify(message, KEY);
        }
    }
}
