package se.vardmote.signalling.meeting;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who hears committed booking changes ({@link MeetingListener}), and telling them. Thread-safe; listeners are
 * called on the calling thread, and one that throws is logged and does not stop the others or undo the change.
 */
final class MeetingListeners {

    private static final System.Logger LOG = System.getLogger(MeetingService.class.getName());

    private final List<MeetingListener> listeners = new CopyOnWriteArrayList<>();

    void add(MeetingListener listener) {
        if (listener == null) throw new IllegalArgumentException("listener is required");
        listeners.add(listener);
    }

    void remove(MeetingListener listener) {
        listeners.remove(listener);
    }

    void meetingCancelled(String meetingId) {
        tell(l -> l.meetingCancelled(meetingId), "a meeting listener failed on cancellation of " + meetingId);
    }

    void participantRemoved(String meetingId, String participantId) {
        tell(l -> l.participantRemoved(meetingId, participantId),
                "a meeting listener failed on a removed seat of " + meetingId);
    }

    private void tell(Consumer<MeetingListener> event, String failure) {
        for (MeetingListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, failure, e);
            }
        }
    }
}
