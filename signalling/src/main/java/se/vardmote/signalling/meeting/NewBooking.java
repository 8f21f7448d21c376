package se.vardmote.signalling.meeting;

/**
 * A meeting just booked, with its leader PIN in clear: the only moment the PIN exists outside its hash.
 * The booking API returns it once; nothing else may keep or log it.
 */
public record NewBooking(Meeting meeting, String leaderPin) {
    @Override
    public String toString() {
        return "NewBooking[meeting=" + meeting.meetingId() + ", leaderPin=(hidden)]";
    }
}
