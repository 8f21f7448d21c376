package se.vardmote.media.ice;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunMessageTest {

    private final MessageIntegrity integrity = new MessageIntegrity();
    private final SecretKeySpec serverKey = MessageIntegrity.shortTermKey("serverpassword0123456789");
    private final byte[] transactionId = new byte[12];

    StunMessageTest() {
        new SecureRandom().nextBytes(transactionId);
    }

    private ByteBuf request(boolean useCandidate) {
        ByteBuf out = Unpooled.buffer();
        StunBinding.writeRequest(out, transactionId, "srvufrag:cliufrag", 0x6e0001ffL, useCandidate, 42L, serverKey, integrity);
        return out;
    }

    @Test
    void roundTripsBindingRequestAndResponseWithIntegrityAndFingerprint() throws Exception {
        ByteBuf req = request(true);
        StunMessage parsed = new StunMessage();
        assertTrue(parsed.wrap(req));
        assertTrue(parsed.isBindingRequest());
        assertEquals("srvufrag:cliufrag", parsed.username());
        assertEquals("srvufrag", parsed.localUfrag());
        assertTrue(parsed.useCandidate());
        assertTrue(parsed.iceControlling());
        assertEquals(42L, parsed.tieBreaker());
        assertEquals(0x6e0001ffL, parsed.priority());
        assertTrue(parsed.hasFingerprint());
        assertTrue(integrity.verify(parsed, serverKey));

        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 50123);
        ByteBuf resp = Unpooled.buffer();
        StunBinding.writeSuccessResponse(resp, parsed, from, serverKey, integrity);
        StunMessage response = new StunMessage();
        assertTrue(response.wrap(resp));
        assertTrue(response.isBindingSuccessResponse());
        assertTrue(response.transactionIdEquals(transactionId));
        assertTrue(integrity.verify(response, serverKey));
        assertEquals(from, response.xorMappedAddress());
        req.release();
        resp.release();
    }

    @Test
    void rejectsRequestSignedWithAnotherPassword() {
        ByteBuf req = Unpooled.buffer();
        StunBinding.writeRequest(req, transactionId, "srvufrag:cliufrag", 1, false, 1, MessageIntegrity.shortTermKey("wrong"), integrity);
        StunMessage parsed = new StunMessage();
        assertTrue(parsed.wrap(req));
        assertFalse(integrity.verify(parsed, serverKey));
    }

    @Test
    void rejectsTamperedMessageThroughFingerprint() {
        ByteBuf req = request(false);
        req.setByte(30, req.getByte(30) ^ 1); // inside USERNAME
        assertFalse(new StunMessage().wrap(req));
    }

    @Test
    void rejectsTruncatedOversizedAndGarbageInput() {
        ByteBuf req = request(false);
        StunMessage parsed = new StunMessage();
        for (int cut = 0; cut < req.readableBytes(); cut++) {
            assertFalse(parsed.wrap(req.slice(0, cut)), "truncated at " + cut);
        }
        ByteBuf big = Unpooled.buffer(1600);
        big.writeBytes(req, 0, 20);
        big.setShort(2, 1580);
        big.writerIndex(1600);
        assertFalse(parsed.wrap(big));
        byte[] garbage = new byte[200];
        new SecureRandom().nextBytes(garbage);
        garbage[0] = 0;
        assertFalse(parsed.wrap(Unpooled.wrappedBuffer(garbage)));
        // an attribute that claims to run past the end
        ByteBuf bad = Unpooled.buffer();
        bad.writeShort(1).writeShort(8).writeInt(StunMessage.MAGIC_COOKIE).writeZero(12);
        bad.writeShort(StunMessage.ATTR_USERNAME).writeShort(100).writeInt(0);
        assertFalse(parsed.wrap(bad));
    }

    @Test
    void encodesXorMappedAddressForIpv4AndIpv6() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1", "2001:db8::1234:5678"}) {
            ByteBuf req = request(false);
            StunMessage parsed = new StunMessage();
            assertTrue(parsed.wrap(req));
            InetSocketAddress from = new InetSocketAddress(InetAddress.getByName(host), 61000);
            ByteBuf resp = Unpooled.buffer();
            StunBinding.writeSuccessResponse(resp, parsed, from, serverKey, integrity);
            StunMessage response = new StunMessage();
            assertTrue(response.wrap(resp), host);
            assertEquals(from, response.xorMappedAddress(), host);
            assertTrue(integrity.verify(response, serverKey));
        }
    }

    @Test
    void verifiesIntegrityOnDirectBuffers() {
        ByteBuf heap = request(false);
        ByteBuf direct = Unpooled.directBuffer(heap.readableBytes()).writeBytes(heap);
        StunMessage parsed = new StunMessage();
        assertTrue(parsed.wrap(direct));
        assertTrue(integrity.verify(parsed, serverKey));
        direct.release();
    }
}
