package se.vardmote.loadtest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link SentStream} of a run by its id, so that a receiver can find the stream a payload names.
 * Thread-safe; receivers look each stream up once, when its first packet arrives.
 */
final class StreamDirectory {

    private final ConcurrentHashMap<Integer, SentStream> streams = new ConcurrentHashMap<>();

    void add(SentStream s) {
        streams.put(s.id, s);
    }

    /** Forgets a stream whose participant left (a churn run would otherwise hold every stream it ever had). */
    void remove(SentStream s) {
        streams.remove(s.id, s);
    }

    SentStream get(int id) {
        return streams.get(id);
    }

    Iterable<SentStream> all() {
        return streams.values();
    }
}
