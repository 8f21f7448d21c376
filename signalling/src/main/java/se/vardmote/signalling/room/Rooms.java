package se.vardmote.signalling.room;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import se.vardmote.media.router.Router;
import se.vardmote.signalling.meeting.Meeting;
import se.vardmote.signalling.meeting.Participant;

/**
 * The live rooms of this server, one per meeting with at least one connected participant.
 * Lock order: this registry, then a room.
 */
public final class Rooms {
    private final Supplier<Router> routers;
    private final int maxGroupParticipants;
    private final Map<String, Room> rooms = new HashMap<>();

    /** @param routers makes a router for a new room ({@code MediaEngine::createRouter}) */
    public Rooms(Supplier<Router> routers, int maxGroupParticipants) {
        this.routers = routers;
        this.maxGroupParticipants = maxGroupParticipants;
    }

    /** Seats the participant in the meeting's room, opening the room (and its router) if needed. */
    public synchronized RoomMember join(Meeting meeting, Participant participant, MemberListener listener) throws JoinRefused {
        Room room = rooms.get(meeting.meetingId());
        boolean created = room == null;
        if (created) {
            room = new Room(meeting, routers.get(), maxGroupParticipants);
            rooms.put(meeting.meetingId(), room);
        }
        try {
            return room.join(participant, listener);
        } catch (JoinRefused e) {
            if (created) closeRoom(room);
            throw e;
        }
    }

    /** Takes the member out; the room closes when it was the last. */
    public synchronized void leave(RoomMember member) {
        Room room = member.room();
        room.leave(member);
        if (room.isEmpty() && rooms.get(room.meeting().meetingId()) == room) closeRoom(room);
    }

    private void closeRoom(Room room) {
        rooms.remove(room.meeting().meetingId());
        room.close();
    }

    public synchronized int roomCount() {
        return rooms.size();
    }

    public synchronized int participantCount() {
        int n = 0;
        for (Room r : rooms.values()) n += r.size();
        return n;
    }

    public synchronized void closeAll() {
        for (Room r : rooms.values()) r.close();
        rooms.clear();
    }
}
