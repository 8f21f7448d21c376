package se.vardmote.loadtest.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
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
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;

/**
 * The flyweight parsers on the hot path: an RTP packet with Chromium's one-byte extensions (mid,
 * abs-send-time, transport-cc), walked and rewritten to other ids as the router does per subscriber; and a
 * Chromium-shaped RTCP compound (SR + SDES, then RR + REMB + NACK) walked packet by packet.
 * Benchmark thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PacketParsingBenchmark {

    private final RtpPacket rtp = new RtpPacket();
    private final RtpHeaderExtension extension = new RtpHeaderExtension();
    private final RtcpCompound compound = new RtcpCompound();
    private final byte[] idMap = new byte[16];
    private ByteBuf rtpBuf;
    private ByteBuf rtcpBuf;

    @Setup
    public void setUp() {
        rtpBuf = Unpooled.buffer(1300);
        rtpBuf.writeByte(0x90).writeByte(96).writeShort(4711).writeInt(123_456).writeInt(0x0BADCAFE);
        rtpBuf.writeShort(0xBEDE).writeShort(3);
        rtpBuf.writeByte(0x40).writeByte('1');
        rtpBuf.writeByte(0x22).writeMedium(0x123456);
        rtpBuf.writeByte(0x31).writeShort(77);
        rtpBuf.writeZero(3);
        rtpBuf.writeZero(1200 - rtpBuf.readableBytes());
        idMap[2] = 5;
        idMap[3] = 6;

        rtcpBuf = Unpooled.buffer(256);
        // SR (RFC 3550 §6.4.1) with no report blocks
        rtcpBuf.writeByte(0x80).writeByte(200).writeShort(6).writeInt(0x0BADCAFE)
                .writeLong(0x0102030405060708L).writeInt(1234).writeInt(5).writeInt(800);
        // SDES with one CNAME of 16 bytes (RFC 3550 §6.5)
        rtcpBuf.writeByte(0x81).writeByte(202).writeShort(6).writeInt(0x0BADCAFE)
                .writeByte(1).writeByte(16).writeZero(16).writeZero(2);
        // RR with one block (RFC 3550 §6.4.2)
        rtcpBuf.writeByte(0x81).writeByte(201).writeShort(7).writeInt(0x11111111)
                .writeInt(0x0BADCAFE).writeInt(0).writeInt(4711).writeInt(3).writeInt(0).writeInt(0);
        // REMB (draft-alvestrand-rmcat-remb): PSFB FMT 15
        rtcpBuf.writeByte(0x8F).writeByte(206).writeShort(5).writeInt(0x11111111).writeInt(0)
                .writeInt(0x52454D42).writeInt(0x01_0F_42_40).writeInt(0x0BADCAFE);
        // Generic NACK (RFC 4585 §6.2.1): RTPFB FMT 1
        rtcpBuf.writeByte(0x81).writeByte(205).writeShort(3).writeInt(0x11111111).writeInt(0x0BADCAFE)
                .writeShort(4700).writeShort(0x0005);
    }

    /** Wraps the RTP header and rewrites every extension the subscriber negotiated to its id, in place. */
    @Benchmark
    public int rtpParseAndRewriteExtensions() {
        if (!rtp.wrap(rtpBuf)) return -1;
        int sum = rtp.sequenceNumber() + rtp.payloadType() + rtp.ssrcInt();
        if (rtp.extensions(extension)) {
            ByteBuf b = rtp.buffer();
            while (extension.next()) {
                int id = extension.id();
                int to = idMap[id];
                if (to != 0) {
                    int header = extension.dataOffset() - 1;
                    b.setByte(header, (to << 4) | (extension.dataLength() - 1));
                    idMap[to] = (byte) id; // rewrite back next time: the benchmark stays steady
                    idMap[id] = 0;
                }
                sum += extension.dataLength();
            }
        }
        return sum;
    }

    /** Walks a compound of SR, SDES, RR, REMB and NACK, reading each packet's type and count. */
    @Benchmark
    public int rtcpCompoundParse() {
        compound.reset(rtcpBuf);
        int sum = 0;
        while (compound.next()) {
            sum += compound.packetType() + compound.count() + compound.packetLength();
        }
        return compound.malformed() ? -1 : sum;
    }
}
