package io.lvs4j.core.sync;

/**
 * Receives the records of a sync datagram that passed every check of
 * {@link SyncMessageReader}, one call per record, in datagram order. Both arguments are
 * flyweights over the datagram, valid only during the call: copy what must be kept.
 */
@FunctionalInterface
public interface SyncConnectionHandler {

    /**
     * Handles one connection or template record.
     *
     * @param connection the record's fixed part
     * @param options where its options are, if any
     */
    void onConnection(SyncConnection connection, SyncRecordOptions options);
}
