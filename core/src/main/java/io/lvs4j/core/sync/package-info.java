/**
 * IPVS's connection-sync wire format, protocol version 1, exactly as the Linux kernel defines
 * it ({@code net/netfilter/ipvs/ip_vs_sync.c}, {@code include/uapi/linux/ip_vs.h},
 * {@code include/net/ip_vs.h}), so that an lvs4j director and a kernel IPVS director can back
 * each other up: flyweights over the message header ({@link io.lvs4j.core.sync.SyncMessageHeader}),
 * the connection records ({@link io.lvs4j.core.sync.SyncConnection}) and their options
 * ({@link io.lvs4j.core.sync.SyncOption}, {@link io.lvs4j.core.sync.SyncSequenceData}); a writer
 * that batches records into datagrams ({@link io.lvs4j.core.sync.SyncMessageWriter}); a reader
 * that checks what the kernel checks and counts each rejection
 * ({@link io.lvs4j.core.sync.SyncMessageReader}, {@link io.lvs4j.core.sync.SyncDropReason}); and
 * the kernel's flags, states and defaults ({@link io.lvs4j.core.sync.SyncFlags},
 * {@link io.lvs4j.core.sync.SyncStates}, {@link io.lvs4j.core.sync.SyncDefaults},
 * {@link io.lvs4j.core.sync.SyncSysctls}).
 *
 * <p>All multi-byte fields are big-endian (network byte order), read and written unaligned
 * through {@link io.lvs4j.core.packet.NetworkOrder}. No I/O here: sockets, timers and the
 * connection table live with the event loops. Nothing is thread-safe: each loop keeps its own
 * reader and writer.
 */
package io.lvs4j.core.sync;
