package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the per-subscriber pacer adds to each video packet a transport sends (in the media module's package,
 * since the pacer is the transport's own). {@code OPEN}: the subscriber's estimate leaves room, the packet goes
 * at once (the common case: the clock read and a budget check). {@code SPREAD}: every packet waits in the queue
 * and leaves from the 5 ms tick, a burst of 16 per tick (a keyframe towards a narrow link). The sink only
 * releases the buffer, so the score is the pacer's own cost; RelayBenchmark gives the relay's per egress packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PacerBenchmark {

    public enum Load { OPEN, SPREAD }

    @Param({"OPEN", "SPREAD"})
    public Load load;

    private Pacer pacer;
    private ByteBuf packet;
    private long clock;
    private int offered;

    @Setup(Level.Trial)
    public void setUp() {
        pacer = new Pacer(new Pacer.Sink() {
            @Override public void sendPaced(ByteBuf p) { p.release(); }
            @Override public void count(WorkerCounter counter) { }
        });
        packet = PooledByteBufAllocator.DEFAULT.heapBuffer(1232);
        packet.writerIndex(1200);
        clock = System.nanoTime();
        // OPEN: 1 Gbit/s, far above what one packet per op takes; SPREAD: 16 packets per 5 ms tick
        pacer.setEstimate(load == Load.OPEN ? 1_000_000_000L : (long) (16 * 1200 * 8 * 200 / Pacer.PACING_FACTOR), clock);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pacer.discard();
        packet.release();
    }

    @Benchmark
    public boolean send() {
        if (load == Load.OPEN) {
            return pacer.offer(packet.retain(), System.nanoTime());
        }
        // SPREAD: the burst is offered at one instant, the tick drains it 5 ms later (a simulated clock)
        boolean taken = pacer.offer(packet.retain(), clock);
        if (++offered == 16) {
            offered = 0;
            clock += PacingTimer.TICK_MILLIS * 1_000_000L;
            pacer.drain(clock);
        }
        return taken;
    }
}
