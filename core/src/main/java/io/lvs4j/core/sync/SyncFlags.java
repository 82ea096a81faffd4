package io.lvs4j.core.sync;

import io.lvs4j.core.model.ForwardingMethod;

/**
 * The connection flags IPVS puts in a sync record's {@code flags} word ({@code IP_VS_CONN_F_*},
 * Linux {@code include/uapi/linux/ip_vs.h}), and what a receiving kernel keeps of them.
 *
 * <p>The low three bits are the forwarding method; the sender writes every flag of the
 * connection but {@link #HASHED}; the receiver keeps only {@link #BACKUP_MASK} and adds
 * {@link #SYNC} ({@link #received(int)}), and on an entry it already has it updates only
 * {@link #BACKUP_UPDATE_MASK}.
 */
public final class SyncFlags {

    /** Mask of the forwarding method bits. */
    public static final int FWD_MASK = 0x0007;
    /** Forwarding method: masquerading (NAT). */
    public static final int MASQ = 0x0000;
    /** Forwarding method: local node. */
    public static final int LOCALNODE = 0x0001;
    /** Forwarding method: tunnelling. */
    public static final int TUNNEL = 0x0002;
    /** Forwarding method: direct routing. */
    public static final int DROUTE = 0x0003;
    /** Forwarding method: cache bypass. */
    public static final int BYPASS = 0x0004;
    /** The entry was created by connection sync. */
    public static final int SYNC = 0x0020;
    /** The entry is hashed in the table (never sent). */
    public static final int HASHED = 0x0040;
    /** No output packets (DR and TUN). */
    public static final int NOOUTPUT = 0x0080;
    /** Not established: counted as InActConn. */
    public static final int INACTIVE = 0x0100;
    /** Output sequence numbers must be adjusted. */
    public static final int OUT_SEQ = 0x0200;
    /** Input sequence numbers must be adjusted. */
    public static final int IN_SEQ = 0x0400;
    /** Either sequence adjustment: the sender adds the sequence option. */
    public static final int SEQ_MASK = 0x0600;
    /** No client port set yet (a persistence template of port 0). */
    public static final int NO_CPORT = 0x0800;
    /** A persistence template, not a connection. */
    public static final int TEMPLATE = 0x1000;
    /** Forward only one packet (never synced). */
    public static final int ONE_PACKET = 0x2000;
    /** Use netfilter conntrack; the first flag a backup never keeps. */
    public static final int NFCT = 1 << 16;
    /** The flags a receiving kernel keeps from a record ({@code IP_VS_CONN_F_BACKUP_MASK}). */
    public static final int BACKUP_MASK = FWD_MASK | NOOUTPUT | INACTIVE | SEQ_MASK | NO_CPORT | TEMPLATE;
    /** The flags a receiving kernel updates on an entry it has ({@code IP_VS_CONN_F_BACKUP_UPD_MASK}). */
    public static final int BACKUP_UPDATE_MASK = INACTIVE | SEQ_MASK;

    private SyncFlags() {
    }

    /**
     * Returns the flags a receiving kernel installs for a record's flags word.
     *
     * @param wireFlags the record's flags
     * @return {@code wireFlags & BACKUP_MASK | SYNC}
     */
    public static int received(int wireFlags) {
        return (wireFlags & BACKUP_MASK) | SYNC;
    }

    /**
     * Returns the forwarding method of a flags word.
     *
     * @param flags the flags
     * @return the method, or {@code null} for local node, bypass and the undefined values 5 to 7
     */
    public static ForwardingMethod forwardingMethod(int flags) {
        return switch (flags & FWD_MASK) {
            case MASQ -> ForwardingMethod.MASQUERADE;
            case TUNNEL -> ForwardingMethod.TUNNEL;
            case DROUTE -> ForwardingMethod.DIRECT_ROUTE;
            default -> null;
        };
    }

    /**
     * Returns the forwarding bits of a method.
     *
     * @param method the method
     * @return {@link #MASQ}, {@link #TUNNEL} or {@link #DROUTE}; -1 for full-NAT, which IPVS
     *     does not have
     */
    public static int of(ForwardingMethod method) {
        return switch (method) {
            case MASQUERADE -> MASQ;
            case TUNNEL -> TUNNEL;
            case DIRECT_ROUTE -> DROUTE;
            case FULL_NAT -> -1;
        };
    }

    /**
     * Tells whether a flags word marks a persistence template.
     *
     * @param flags the flags
     * @return true if {@link #TEMPLATE} is set
     */
    public static boolean isTemplate(int flags) {
        return (flags & TEMPLATE) != 0;
    }
}
