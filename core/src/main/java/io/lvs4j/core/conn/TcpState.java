package io.lvs4j.core.conn;

/**
 * The TCP states of an IPVS connection entry, in IPVS's order ({@code IP_VS_TCP_S_*}). They
 * track what the director sees of a connection, not the end points' real TCP states.
 */
public enum TcpState {
    /** No packet seen yet. */
    NONE("NONE"),
    /** Established: the only state counted as active. */
    ESTABLISHED("ESTABLISHED"),
    /** A SYN seen from the real server side (NAT). */
    SYN_SENT("SYN_SENT"),
    /** A SYN seen from the client. */
    SYN_RECV("SYN_RECV"),
    /** A FIN seen. */
    FIN_WAIT("FIN_WAIT"),
    /** Both FINs seen. */
    TIME_WAIT("TIME_WAIT"),
    /** Reset or closed. */
    CLOSE("CLOSE"),
    /** The client closed first (NAT). */
    CLOSE_WAIT("CLOSE_WAIT"),
    /** Waiting for the last ACK. */
    LAST_ACK("LAST_ACK"),
    /** Listening (used by connection sync). */
    LISTEN("LISTEN"),
    /** A SYN-ACK seen (secure_tcp tables only). */
    SYNACK("SYNACK");

    private static final TcpState[] VALUES = values();

    private final String ipvsName;

    TcpState(String ipvsName) {
        this.ipvsName = ipvsName;
    }

    /**
     * Returns the name {@code ipvsadm -Lnc} prints.
     *
     * @return for example {@code ESTABLISHED}
     */
    public String ipvsName() {
        return ipvsName;
    }

    /**
     * Returns the state of an ordinal without allocating.
     *
     * @param ordinal an ordinal of this enum
     * @return the state
     */
    public static TcpState ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
