package io.lvs4j.core.sync;

/**
 * The options that may follow a sync record's fixed part (Linux
 * {@code net/netfilter/ipvs/ip_vs_sync.c}): each is a type byte, a length byte (of the data,
 * never 0) and the data, with no padding between them.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Param. Type   | Param. Length |   Param. data                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * A sender writes, in this order: {@link #SEQUENCE_DATA} when the connection adjusts sequence
 * numbers ({@link SyncFlags#SEQ_MASK}), {@link #PE_DATA} when a persistence engine keeps data
 * for it, and then {@link #PE_NAME}. A receiver reads the type without {@link #F_PARAM}; an
 * unknown type with that bit is skipped, an unknown type without it makes the record unusable.
 */
public final class SyncOption {

    /** Length of an option's type and length bytes. */
    public static final int HEADER_LENGTH = 2;
    /** Type of the sequence adjustment option ({@code IPVS_OPT_SEQ_DATA}). */
    public static final int SEQUENCE_DATA = 1;
    /** Type of the persistence-engine data option ({@code IPVS_OPT_PE_DATA}). */
    public static final int PE_DATA = 2;
    /** Type of the persistence-engine name option ({@code IPVS_OPT_PE_NAME}). */
    public static final int PE_NAME = 3;
    /** The bit that makes an option optional ({@code IPVS_OPT_F_PARAM}, {@code 1 << (7 - 1)}). */
    public static final int F_PARAM = 1 << 6;
    /** Length of the sequence option's data ({@code struct ip_vs_sync_conn_options}). */
    public static final int SEQUENCE_LENGTH = SyncSequenceData.LENGTH;
    /** Bytes the sequence option adds to a record. */
    public static final int SEQUENCE_RECORD_BYTES = HEADER_LENGTH + SEQUENCE_LENGTH;
    /** Longest persistence-engine data ({@code IP_VS_PEDATA_MAXLEN}). */
    public static final int PE_DATA_MAX_LENGTH = 255;
    /** Longest persistence-engine name ({@code IP_VS_PENAME_MAXLEN}). */
    public static final int PE_NAME_MAX_LENGTH = 16;

    private SyncOption() {
    }
}
