package se.vardmote.signalling.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper of the protocol, with limits suited to messages from the network. */
final class Json {
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(MAX_MESSAGE_CHARS)
                    .maxNumberLength(32)
                    .build())
            .build());

    private Json() {
    }
}
