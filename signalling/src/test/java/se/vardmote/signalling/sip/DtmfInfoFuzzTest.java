package se.vardmote.signalling.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary SIP INFO bodies into {@link DtmfInfo#parse} under both content types: a DTMF key or
 * {@link DtmfInfo#NONE}, never an exception. Seeds in DtmfInfoFuzzTestInputs/.
 */
class DtmfInfoFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readsAKeyOrNone(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        for (String type : new String[] {"application/dtmf-relay", "application/dtmf"}) {
            char key = DtmfInfo.parse(type, body);
            if (key != DtmfInfo.NONE && "0123456789*#ABCD".indexOf(key) < 0) throw new AssertionError("not a key: " + (int) key);
        }
    }
}
