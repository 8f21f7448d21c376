package se.vardmote.loadtest.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import se.vardmote.media.ice.IceLiteAgent;
import se.vardmote.media.ice.MessageIntegrity;
import se.vardmote.media.ice.StunBinding;
import se.vardmote.media.ice.StunMessage;

/**
 * ICE-lite's per-check work, as MediaWorker does it: parse a Chromium-shaped Binding request (USERNAME,
 * PRIORITY, USE-CANDIDATE, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT; the parser checks the
 * FINGERPRINT CRC-32), look up the local ufrag, verify MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) through
 * {@link IceLiteAgent#onBindingRequest}; and, separately, build the success response. Benchmark thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StunBenchmark {

    private final StunMessage stun = new StunMessage();
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 50_000);
    private IceLiteAgent agent;
    private ByteBuf request;
    private ByteBuf response;
    private SecretKeySpec key;

    @Setup
    public void setUp() {
        agent = new IceLiteAgent("srvUfrag", "serverPassword0123456789", System.nanoTime());
        agent.setRemoteUfrag("cliU");
        key = agent.key();
        request = Unpooled.directBuffer(256);
        StunBinding.writeRequest(request, new byte[12], "srvUfrag:cliU", 1_853_817_087L, true,
                0x1122334455667788L, MessageIntegrity.shortTermKey("serverPassword0123456789"), integrity);
        response = Unpooled.buffer(256);
        if (!check()) throw new IllegalStateException("the request did not verify");
    }

    /** Parse, fingerprint, ufrag, integrity: everything before the answer is written. */
    @Benchmark
    public boolean check() {
        if (!stun.wrap(request) || !stun.isBindingRequest() || stun.localUfrag() == null) return false;
        return agent.onBindingRequest(stun, from, integrity, 0L) == IceLiteAgent.CheckOutcome.ACCEPTED;
    }

    /** Writes the Binding success response (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT). */
    @Benchmark
    public int respond() {
        ByteBuf out = response.clear();
        StunBinding.writeSuccessResponse(out, stun, from, key, integrity);
        return out.readableBytes();
    }
}
