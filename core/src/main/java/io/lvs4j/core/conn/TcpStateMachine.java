package io.lvs4j.core.conn;

/**
 * IPVS's TCP state transitions (the default tables of {@code ip_vs_proto_tcp.c}, not the
 * {@code secure_tcp} ones). Three tables: INPUT and OUTPUT for NAT, where the director sees
 * both directions, and INPUT_ONLY for direct routing and tunnelling, where it sees only the
 * client's packets. A packet's event is, in priority order, RST, SYN, FIN, ACK; a packet
 * with none of these flags moves the connection to CLOSE, as in IPVS. As in the kernel's tables
 * since {@code sloppy_tcp} came, an ACK on a connection in no state yet (one made from a
 * mid-flow packet) establishes it.
 */
final class TcpStateMachine {

    /** Table of packets from the client when replies are seen too. */
    static final int INPUT = 0;
    /** Table of packets from the real server. */
    static final int OUTPUT = 1;
    /** Table of packets from the client when replies are never seen. */
    static final int INPUT_ONLY = 2;

    static final int EVENT_SYN = 0;
    static final int EVENT_FIN = 1;
    static final int EVENT_ACK = 2;
    static final int EVENT_RST = 3;
    static final int EVENT_NONE = -1;

    private static final int NO = 0;
    private static final int ES = 1;
    private static final int SS = 2;
    private static final int SR = 3;
    private static final int FW = 4;
    private static final int TW = 5;
    private static final int CL = 6;
    private static final int CW = 7;
    private static final int LA = 8;
    private static final int LI = 9;
    private static final int SA = 10;

    private static final int STATES = 11;

    /** [table][event][current state] -> next state; columns NO ES SS SR FW TW CL CW LA LI SA. */
    private static final byte[][][] TABLES = {
        { // INPUT
            row(SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR),
            row(CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR),
        },
        { // OUTPUT
            row(SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR),
            row(TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES),
            row(CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL),
        },
        { // INPUT_ONLY
            row(SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR),
            row(CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL),
        },
    };

    /** The same tables flattened: index (table * 4 + event) * 11 + state. */
    private static final byte[] NEXT = flatten();

    private TcpStateMachine() {
    }

    private static byte[] flatten() {
        byte[] flat = new byte[3 * 4 * STATES];
        for (int table = 0; table < 3; table++) {
            for (int event = 0; event < 4; event++) {
                System.arraycopy(TABLES[table][event], 0, flat, (table * 4 + event) * STATES, STATES);
            }
        }
        return flat;
    }

    private static byte[] row(int... next) {
        byte[] out = new byte[next.length];
        for (int i = 0; i < next.length; i++) {
            out[i] = (byte) next[i];
        }
        return out;
    }

    /**
     * Maps TCP flags to an event.
     *
     * @param tcpFlags the flags byte of the TCP header
     * @return an {@code EVENT_*} constant
     */
    static int event(int tcpFlags) {
        if ((tcpFlags & 0x04) != 0) {
            return EVENT_RST;
        }
        if ((tcpFlags & 0x02) != 0) {
            return EVENT_SYN;
        }
        if ((tcpFlags & 0x01) != 0) {
            return EVENT_FIN;
        }
        if ((tcpFlags & 0x10) != 0) {
            return EVENT_ACK;
        }
        return EVENT_NONE;
    }

    /**
     * Returns the next state.
     *
     * @param table {@link #INPUT}, {@link #OUTPUT} or {@link #INPUT_ONLY}
     * @param tcpFlags the packet's flags
     * @param state the current state's ordinal
     * @return the next state's ordinal
     */
    static int next(int table, int tcpFlags, int state) {
        int event = event(tcpFlags);
        return event == EVENT_NONE ? CL : NEXT[(table * 4 + event) * STATES + state];
    }
}
