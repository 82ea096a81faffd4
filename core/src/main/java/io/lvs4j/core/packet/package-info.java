/**
 * Packet flyweights over {@link java.lang.foreign.MemorySegment}s (Ethernet with one 802.1Q
 * tag, ARP, IPv4, IPv6 with extension headers, TCP, UDP, ICMP, ICMPv6), Internet checksums,
 * a frame parser that reports a {@link io.lvs4j.core.packet.DropReason} instead of throwing,
 * and a {@link io.lvs4j.core.packet.PacketBuilder} that makes valid frames for tests.
 *
 * <p>All multi-byte fields are big-endian (network byte order) and read unaligned through
 * {@link io.lvs4j.core.packet.NetworkOrder}. Flyweights are not thread-safe: each event loop
 * keeps its own and re-wraps them per frame.
 */
package io.lvs4j.core.packet;
