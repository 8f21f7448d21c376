package se.vardmote.loadtest.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import se.vardmote.media.srtp.SrtpKeyMaterial;
import se.vardmote.media.srtp.SrtpProfile;
import se.vardmote.media.srtp.SrtpSession;

/**
 * SRTP protect and unprotect of one RTP packet with the production {@link SrtpSession}, per profile, payload
 * size and crypto provider (forced per fork, see {@link CipherProvider}).
 *
 * <p>{@code protect} re-fills the packet (a 12-byte header and the payload, a memcpy) and protects it;
 * {@code protectAndUnprotect} does the same and unprotects it on the receiving session. A packet can be
 * unprotected only once (RFC 3711 §3.3.2 replay protection), so unprotect alone is the difference of the two.
 * Single-threaded: the benchmark thread owns both sessions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SrtpBenchmark {

    @Param({"AEAD_AES_128_GCM", "AES128_CM_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"100", "1200"})
    public int payloadBytes;

    @Param({"OPENSSL", "JDK"})
    public CipherProvider provider;

    private SrtpSession sender;
    private SrtpSession receiver;
    private ByteBuf packet;
    private byte[] payload;
    private int sequence;

    @Setup(Level.Trial)
    public void setUp() {
        provider.force();
        byte[] material = new byte[profile.keyingMaterialLength()];
        new SecureRandom().nextBytes(material);
        SrtpKeyMaterial keys = SrtpKeyMaterial.fromExporter(profile, material);
        sender = new SrtpSession(keys, false);
        receiver = new SrtpSession(keys, true);
        payload = new byte[payloadBytes];
        new SecureRandom().nextBytes(payload);
        packet = PooledByteBufAllocator.DEFAULT.heapBuffer(12 + payloadBytes + 32);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        sender.close();
        receiver.close();
    }

    private ByteBuf fill() {
        int seq = sequence++;
        ByteBuf b = packet.clear();
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(0x1234_5678);
        b.writeBytes(payload);
        return b;
    }

    @Benchmark
    public boolean protect() {
        return sender.protectRtp(fill());
    }

    @Benchmark
    public boolean protectAndUnprotect() {
        ByteBuf b = fill();
        if (!sender.protectRtp(b)) throw new IllegalStateException("protect failed");
        if (!receiver.unprotectRtp(b)) throw new IllegalStateException("unprotect failed");
        return true;
    }
}
