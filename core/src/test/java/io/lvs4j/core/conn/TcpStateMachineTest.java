package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.TcpStateMachine.INPUT;
import static io.lvs4j.core.conn.TcpStateMachine.INPUT_ONLY;
import static io.lvs4j.core.conn.TcpStateMachine.OUTPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.packet.TcpHeader;
import org.junit.jupiter.api.Test;

class TcpStateMachineTest {

    private static TcpState next(int table, int flags, TcpState state) {
        return TcpState.ofOrdinal(TcpStateMachine.next(table, flags, state.ordinal()));
    }

    @Test
    void shouldGiveRstPriorityOverSynOverFinOverAck() {
        assertEquals(TcpStateMachine.EVENT_RST, TcpStateMachine.event(TcpHeader.RST | TcpHeader.SYN));
        assertEquals(TcpStateMachine.EVENT_SYN, TcpStateMachine.event(TcpHeader.SYN | TcpHeader.FIN));
        assertEquals(TcpStateMachine.EVENT_FIN, TcpStateMachine.event(TcpHeader.FIN | TcpHeader.ACK));
        assertEquals(TcpStateMachine.EVENT_ACK, TcpStateMachine.event(TcpHeader.ACK | TcpHeader.PSH));
        assertEquals(TcpStateMachine.EVENT_NONE, TcpStateMachine.event(TcpHeader.PSH));
    }

    @Test
    void shouldDifferBetweenInputAndInputOnlyWhereIpvsDoes() {
        // A client FIN on an established connection: NAT waits for the server's FIN.
        assertEquals(TcpState.CLOSE_WAIT, next(INPUT, TcpHeader.FIN, TcpState.ESTABLISHED));
        assertEquals(TcpState.FIN_WAIT, next(INPUT_ONLY, TcpHeader.FIN, TcpState.ESTABLISHED));
        // A client RST in SYNACK.
        assertEquals(TcpState.SYN_RECV, next(INPUT, TcpHeader.RST, TcpState.SYNACK));
        assertEquals(TcpState.CLOSE, next(INPUT_ONLY, TcpHeader.RST, TcpState.SYNACK));
        // The same elsewhere: SYN opens, ACK establishes, RST in SYN_RECV is ignored.
        for (int table : new int[] {INPUT, INPUT_ONLY}) {
            assertEquals(TcpState.SYN_RECV, next(table, TcpHeader.SYN, TcpState.NONE));
            assertEquals(TcpState.ESTABLISHED, next(table, TcpHeader.ACK, TcpState.SYN_RECV));
            assertEquals(TcpState.SYN_RECV, next(table, TcpHeader.RST, TcpState.SYN_RECV));
            assertEquals(TcpState.CLOSE, next(table, TcpHeader.ACK, TcpState.LAST_ACK));
            assertEquals(TcpState.SYN_RECV, next(table, TcpHeader.SYN, TcpState.TIME_WAIT));
        }
    }

    @Test
    void shouldFollowOutputTable() {
        assertEquals(TcpState.SYN_SENT, next(OUTPUT, TcpHeader.SYN, TcpState.NONE));
        assertEquals(TcpState.ESTABLISHED, next(OUTPUT, TcpHeader.ACK, TcpState.NONE));
        // A mid-flow ACK establishes a connection in no state (the kernel's tables since sloppy_tcp).
        assertEquals(TcpState.ESTABLISHED, next(TcpStateMachine.INPUT, TcpHeader.ACK, TcpState.NONE));
        assertEquals(TcpState.ESTABLISHED, next(TcpStateMachine.INPUT_ONLY, TcpHeader.ACK, TcpState.NONE));
        assertEquals(TcpState.FIN_WAIT, next(OUTPUT, TcpHeader.FIN, TcpState.ESTABLISHED));
        assertEquals(TcpState.TIME_WAIT, next(OUTPUT, TcpHeader.FIN, TcpState.CLOSE_WAIT));
        assertEquals(TcpState.TIME_WAIT, next(OUTPUT, TcpHeader.RST, TcpState.TIME_WAIT));
        assertEquals(TcpState.SYN_SENT, next(OUTPUT, TcpHeader.RST, TcpState.SYN_SENT));
        assertEquals(TcpState.ESTABLISHED, next(OUTPUT, TcpHeader.ACK, TcpState.LISTEN));
    }

    @Test
    void shouldCloseOnPacketWithoutStateFlags() {
        for (TcpState state : TcpState.values()) {
            assertEquals(TcpState.CLOSE, next(INPUT, TcpHeader.PSH, state));
        }
    }
}
