package se.vardmote.signalling.sip;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Seats callers at once (or holds them in a "lobby" when {@link #lobby}); remembers them. Thread-safe. */
final class FakePhoneAdmission implements PhoneAdmission {

    record Admitted(PhoneCaller caller, Listener listener) {
    }

    final List<Admitted> callers = new CopyOnWriteArrayList<>();
    final AtomicInteger leaves = new AtomicInteger();
    volatile boolean lobby;
    final AtomicInteger muteToggles = new AtomicInteger();
    volatile String refuse;

    @Override
    public Seat admit(PhoneCaller caller, Listener listener) {
        callers.add(new Admitted(caller, listener));
        if (refuse != null) listener.refused(refuse);
        else if (lobby) listener.waiting();
        else listener.admitted();
        return new Seat() {
            @Override public void leave() { leaves.incrementAndGet(); }
            @Override public void toggleMute() { muteToggles.incrementAndGet(); }
        };
    }

    Admitted last() {
        return callers.isEmpty() ? null : callers.get(callers.size() - 1);
    }
}
