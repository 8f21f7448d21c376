package se.vardmote.signalling.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceRateLimitTest {
    final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    static final Object A = address("203.0.113.1");
    static final Object B = address("203.0.113.2");

    static Object address(String literal) {
        try {
            return SourceRateLimit.sourceOf(InetAddress.getByName(literal));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesASourceAfterItsFailuresUntilTheWindowHasPassed() {
        SourceRateLimit limit = new SourceRateLimit(3, Duration.ofSeconds(60), nanos::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limit.retryAfterSeconds(A), "failure " + i + " is still within the limit");
            limit.record(A);
        }
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        assertEquals(40, limit.retryAfterSeconds(A));
        assertEquals(0, limit.retryAfterSeconds(B), "another address is not affected");
        nanos.addAndGet(Duration.ofSeconds(39).toNanos() + 1);
        assertEquals(1, limit.retryAfterSeconds(A), "a part of a second left is a whole second to wait");
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(0, limit.retryAfterSeconds(A));
        assertEquals(3, limit.recordedCount());
        assertEquals(2, limit.refusedCount());
    }

    @Test
    void acceptsEventsUpToTheLimitThenRefusesWithTheWaitLeft() {
        SourceRateLimit limit = new SourceRateLimit(30, Duration.ofSeconds(10), nanos::get);
        for (int i = 0; i < 30; i++) assertEquals(0, limit.tryAcquire(A), "event " + i);
        nanos.addAndGet(Duration.ofMillis(2500).toNanos());
        assertEquals(8, limit.tryAcquire(A), "7.5 s left, rounded up");
        assertEquals(0, limit.tryAcquire(B));
        nanos.addAndGet(Duration.ofMillis(7500).toNanos());
        assertEquals(0, limit.tryAcquire(A), "a new window");
        assertEquals(32, limit.recordedCount());
        assertEquals(1, limit.refusedCount());
    }

    @Test
    void refusedEventsDoNotExtendTheWindow() {
        SourceRateLimit limit = new SourceRateLimit(1, Duration.ofSeconds(10), nanos::get);
        assertEquals(0, limit.tryAcquire(A));
        for (int i = 0; i < 9; i++) {
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            assertNotEquals(0, limit.tryAcquire(A));
        }
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(0, limit.tryAcquire(A));
    }

    @Test
    void tracksAtMostMaxSourcesDroppingExpiredWindowsFirst() {
        SourceRateLimit limit = new SourceRateLimit(1, Duration.ofSeconds(60), 2, nanos::get);
        limit.record(A);
        limit.record(B);
        Object c = address("203.0.113.3");
        limit.record(c);
        assertEquals(2, limit.trackedSources(), "full: the third source is not tracked");
        assertEquals(0, limit.retryAfterSeconds(c), "and so goes unlimited");
        assertEquals(60, limit.retryAfterSeconds(A), "those tracked stay limited");
        nanos.addAndGet(Duration.ofSeconds(60).toNanos());
        limit.record(c);
        assertEquals(1, limit.trackedSources(), "expired windows made room");
        assertEquals(60, limit.retryAfterSeconds(c));
    }

    @Test
    void anIpv6SubscriberIsOneSourceWhateverAddressOfItsSlash64ItUses() throws Exception {
        Object one = SourceRateLimit.sourceOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2::1"), 4000));
        Object other = SourceRateLimit.sourceOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:ffff::7"), 4001));
        Object elsewhere = SourceRateLimit.sourceOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:3::1"), 4000));
        assertEquals(one, other);
        assertNotEquals(one, elsewhere);
        assertEquals(InetAddress.getByName("203.0.113.1"),
                SourceRateLimit.sourceOf(new InetSocketAddress(InetAddress.getByName("203.0.113.1"), 1)));
    }

    @Test
    void neverAcceptsMoreThanTheLimitFromConcurrentThreads() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(100, Duration.ofSeconds(60), System::nanoTime);
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) if (limit.tryAcquire(A) == 0) accepted.incrementAndGet();
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) thread.join();
        assertEquals(100, accepted.get());
        assertEquals(700, limit.refusedCount());
    }
}
