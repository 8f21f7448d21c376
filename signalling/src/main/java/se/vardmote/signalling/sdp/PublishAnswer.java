package se.vardmote.signalling.sdp;

import java.util.List;

/** The server's answer to a publish offer, and what it accepted. */
public record PublishAnswer(String sdp, RemoteTransport remote, List<AcceptedStream> streams) {
    public PublishAnswer {
        streams = List.copyOf(streams);
    }
}
