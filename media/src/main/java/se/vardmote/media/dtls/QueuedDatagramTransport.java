package se.vardmote.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The datagram side of one DTLS connection as bctls sees it: received records arrive through a bounded
 * queue that the event loop fills ({@link #offer}), sent records go out through a {@link DatagramSender}.
 * bctls reads on its own (handshake) thread; the event loop only offers. Thread-safe.
 */
public final class QueuedDatagramTransport implements DatagramTransport {

    /** Where outgoing DTLS records go. Called on the DTLS thread. */
    @FunctionalInterface
    public interface DatagramSender {
        void send(byte[] buf, int off, int len) throws IOException;
    }

    /** Chromium's ClientHello arrives as a 1200-byte fragment; 1500 leaves room (see testing.md). */
    public static final int RECEIVE_LIMIT = 1500;
    /** Keeps our own flights below any path MTU a WebRTC peer will see (RFC 8261 uses 1200 likewise). */
    public static final int SEND_LIMIT = 1200;
    /** A handshake flight is a handful of datagrams; more than this queued means the reader is stuck. */
    static final int QUEUE_CAPACITY = 32;

    private static final byte[] CLOSED = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final DatagramSender sender;
    private volatile boolean closed;
    private volatile Runnable onClose;

    public QueuedDatagramTransport(DatagramSender sender) {
        this.sender = sender;
    }

    /** Hands one received datagram to the DTLS side; false when the queue is full or closed (drop it). */
    public boolean offer(byte[] datagram) {
        if (closed || datagram.length == 0 || datagram.length > RECEIVE_LIMIT) return false;
        return queue.offer(datagram);
    }

    boolean hasPending() {
        return !queue.isEmpty();
    }

    /** Runs {@code action} when bctls (or anyone) closes this transport, as after a close_notify. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) throw new IOException("DTLS transport closed");
        byte[] datagram;
        try {
            // bctls passes 0 for "no timeout"; poll briefly instead so that the caller's timers keep running
            datagram = queue.poll(waitMillis > 0 ? waitMillis : 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (datagram == null) return -1;
        if (datagram == CLOSED) {
            queue.offer(CLOSED); // wake any other reader too
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("DTLS transport closed");
        sender.send(buf, off, len);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        queue.clear();
        queue.offer(CLOSED);
        Runnable action = onClose;
        if (action != null) action.run();
    }

    public boolean isClosed() {
        return closed;
    }
}
