package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class DtmfInfoTest {

    @Test
    void readsDtmfRelaySignal() {
        assertEquals('5', DtmfInfo.parse("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"));
        assertEquals('#', DtmfInfo.parse("application/dtmf-relay", "Signal= #\nDuration=160"));
        assertEquals('*', DtmfInfo.parse("Application/DTMF-Relay", "signal=*\r\n"));
    }

    @Test
    void readsTheNumericStarAndHashSomeGatewaysSend() {
        assertEquals('*', DtmfInfo.parse("application/dtmf-relay", "Signal=10\r\nDuration=100"));
        assertEquals('#', DtmfInfo.parse("application/dtmf-relay", "Signal=11\r\nDuration=100"));
    }

    @Test
    void readsPlainDtmf() {
        assertEquals('7', DtmfInfo.parse("application/dtmf", "7"));
        assertEquals('#', DtmfInfo.parse("application/dtmf", "#\r\n"));
        assertEquals('A', DtmfInfo.parse("application/dtmf", "a"));
    }

    @Test
    void unreadableBodiesGiveNone() {
        assertEquals(DtmfInfo.NONE, DtmfInfo.parse("application/dtmf-relay", "Duration=160"));
        assertEquals(DtmfInfo.NONE, DtmfInfo.parse("application/dtmf-relay", "Signal=55"));
        assertEquals(DtmfInfo.NONE, DtmfInfo.parse("application/dtmf", "X"));
        assertEquals(DtmfInfo.NONE, DtmfInfo.parse("text/plain", "5"));
        assertEquals(DtmfInfo.NONE, DtmfInfo.parse("application/dtmf", "5".repeat(DtmfInfo.MAX_BYTES + 1)));
        assertFalse(DtmfInfo.supports(null));
    }
}
