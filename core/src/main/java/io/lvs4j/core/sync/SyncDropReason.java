package io.lvs4j.core.sync;

/**
 * Why a received sync datagram, or one record of it, was not used. {@link SyncMessageReader}
 * returns one of these per datagram and counts each with
 * {@link io.lvs4j.core.status.LoopCounters}; {@link #NONE} means the datagram passed.
 *
 * <p>Datagram reasons drop the whole datagram, as the kernel's {@code ip_vs_process_message}
 * drops "the buffer"; record reasons ({@link #isRecordReason()}) drop one record, as
 * {@code ip_vs_proc_sync_conn} returning a positive code does, and the others are still used.
 * The kernel's code for each is in brackets.
 */
public enum SyncDropReason {
    /** Not a drop: the datagram passed every check. */
    NONE(false),
    /** Shorter than the header: 4 bytes (version 0) or 8 (version 1). */
    HEADER_TRUNCATED(false),
    /** The header's size is not the datagram's length ("bogus message size"). */
    SIZE_MISMATCH(false),
    /** The sync id is not the one configured, and that one is not 0 ("Ignoring syncid"). */
    WRONG_SYNC_ID(false),
    /** A version 0 message (its first byte, the record count, is not zero): refused, not decoded. */
    VERSION_0(false),
    /** The header's version is not 1 (the kernel takes it for version 0). */
    UNKNOWN_VERSION(false),
    /** The header's spare bytes are not zero (the kernel takes it for version 0). */
    SPARE_NOT_ZERO(false),
    /** A record's fixed IPv4 part runs past the datagram ("Dropping buffer, too small"). */
    RECORD_TRUNCATED(false),
    /** A record's size runs past the datagram ("msg > buffer"). */
    RECORD_BEYOND_DATAGRAM(false),
    /** A record's version (top 4 bits of {@code ver_size}) is not 0 ("Unknown version"). */
    RECORD_UNKNOWN_VERSION(false),
    /** A record's type is neither 0 (IPv4) nor 1 (IPv6) [-10]. */
    RECORD_BAD_TYPE(false),
    /** A record's size is smaller than its fixed part [-20]. */
    RECORD_TOO_SHORT(false),
    /** An option's type and length bytes run past the record [-30]. */
    OPTION_TRUNCATED(false),
    /** An option's length is 0 or runs past the record [-40]. */
    OPTION_BAD_LENGTH(false),
    /** The sequence option's length is not 24 [-50]. */
    SEQUENCE_OPTION_BAD_LENGTH(false),
    /** An option appears twice in one record [-50, -60, -70]. */
    OPTION_REPEATED(false),
    /** The persistence engine's name is longer than 16 bytes [-70]. */
    PE_NAME_TOO_LONG(false),
    /** Bytes follow the counted records beyond the last one's padding (the kernel ignores them). */
    TRAILING_BYTES(false),
    /** A record has an unknown option without the optional bit [20]. */
    UNKNOWN_MANDATORY_OPTION(true),
    /** A connection record of a protocol IPVS does not handle [30]. */
    UNSUPPORTED_PROTOCOL(true),
    /** A connection record's state is not a state of its protocol [40]. */
    STATE_OUT_OF_RANGE(true),
    /** A template's state is neither NONE nor ASSURED (the kernel only logs it). */
    TEMPLATE_STATE_OUT_OF_RANGE(true),
    /** Persistence-engine data without the engine's name [50]. */
    PE_DATA_WITHOUT_NAME(true);

    private final boolean recordReason;

    SyncDropReason(boolean recordReason) {
        this.recordReason = recordReason;
    }

    /** @return true if this reason drops one record and not the datagram */
    public boolean isRecordReason() {
        return recordReason;
    }
}
