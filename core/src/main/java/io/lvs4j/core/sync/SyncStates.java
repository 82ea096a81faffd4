package io.lvs4j.core.sync;

import io.lvs4j.core.conn.TcpState;

/**
 * The values of a sync record's {@code state} field, per protocol, as Linux
 * {@code include/net/ip_vs.h} numbers them, and how many each protocol has: a receiving kernel
 * drops a connection record whose state is not below its protocol's count.
 *
 * <p>The TCP states are {@link TcpState}'s constants in the same order ({@code TcpState.ordinal()}
 * is the wire value). UDP, AH and ESP have one state; SCTP has fourteen; a persistence template
 * ({@link SyncFlags#TEMPLATE}) carries {@link #TEMPLATE_NONE} or {@link #TEMPLATE_ASSURED}.
 */
public final class SyncStates {

    /** {@code IP_VS_TCP_S_NONE}. */
    public static final int TCP_NONE = 0;
    /** {@code IP_VS_TCP_S_ESTABLISHED}. */
    public static final int TCP_ESTABLISHED = 1;
    /** {@code IP_VS_TCP_S_SYN_SENT}. */
    public static final int TCP_SYN_SENT = 2;
    /** {@code IP_VS_TCP_S_SYN_RECV}. */
    public static final int TCP_SYN_RECV = 3;
    /** {@code IP_VS_TCP_S_FIN_WAIT}. */
    public static final int TCP_FIN_WAIT = 4;
    /** {@code IP_VS_TCP_S_TIME_WAIT}. */
    public static final int TCP_TIME_WAIT = 5;
    /** {@code IP_VS_TCP_S_CLOSE}. */
    public static final int TCP_CLOSE = 6;
    /** {@code IP_VS_TCP_S_CLOSE_WAIT}. */
    public static final int TCP_CLOSE_WAIT = 7;
    /** {@code IP_VS_TCP_S_LAST_ACK}. */
    public static final int TCP_LAST_ACK = 8;
    /** {@code IP_VS_TCP_S_LISTEN}. */
    public static final int TCP_LISTEN = 9;
    /** {@code IP_VS_TCP_S_SYNACK}. */
    public static final int TCP_SYNACK = 10;
    /** Number of TCP states ({@code IP_VS_TCP_S_LAST}). */
    public static final int TCP_STATE_COUNT = 11;
    /** {@code IP_VS_UDP_S_NORMAL}, the only UDP state. */
    public static final int UDP_NORMAL = 0;
    /** Number of UDP states ({@code IP_VS_UDP_S_LAST}). */
    public static final int UDP_STATE_COUNT = 1;
    /** Number of SCTP states ({@code IP_VS_SCTP_S_LAST}). */
    public static final int SCTP_STATE_COUNT = 14;
    /** Number of AH and ESP states. */
    public static final int AH_ESP_STATE_COUNT = 1;
    /** A template's state before it is assured ({@code IP_VS_CTPL_S_NONE}). */
    public static final int TEMPLATE_NONE = 0;
    /** An assured template ({@code IP_VS_CTPL_S_ASSURED}). */
    public static final int TEMPLATE_ASSURED = 1;
    /** Number of template states ({@code IP_VS_CTPL_S_LAST}). */
    public static final int TEMPLATE_STATE_COUNT = 2;
    /** IP protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;
    /** IP protocol number of SCTP. */
    public static final int PROTOCOL_SCTP = 132;
    /** IP protocol number of ESP. */
    public static final int PROTOCOL_ESP = 50;
    /** IP protocol number of AH. */
    public static final int PROTOCOL_AH = 51;

    private SyncStates() {
    }

    /**
     * Returns how many states a protocol has, as IPVS's protocol table says.
     *
     * @param protocol an IP protocol number
     * @return the count, or -1 for a protocol IPVS does not handle
     */
    public static int stateCount(int protocol) {
        return switch (protocol) {
            case PROTOCOL_TCP -> TCP_STATE_COUNT;
            case PROTOCOL_UDP -> UDP_STATE_COUNT;
            case PROTOCOL_SCTP -> SCTP_STATE_COUNT;
            case PROTOCOL_AH, PROTOCOL_ESP -> AH_ESP_STATE_COUNT;
            default -> -1;
        };
    }

    /**
     * Returns the TCP state of a wire value.
     *
     * @param state a value below {@link #TCP_STATE_COUNT}
     * @return the state
     * @throws IllegalArgumentException if the value is out of range
     */
    public static TcpState tcpState(int state) {
        if (state < 0 || state >= TCP_STATE_COUNT) {
            throw new IllegalArgumentException("not an IPVS TCP state: " + state);
        }
        return TcpState.ofOrdinal(state);
    }
}
