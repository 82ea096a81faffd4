/**
 * The epoll transport: raw packet sockets opened through FFM and driven by Netty's
 * {@code EpollIoHandler} ({@link io.lvs4j.transport.epoll.PacketSocket},
 * {@link io.lvs4j.transport.epoll.PacketSocketGroup} with {@code PACKET_FANOUT}), the
 * availability probe ({@link io.lvs4j.transport.epoll.RawSockets}), and the user-space
 * director (direct routing, NAT, tunnelling, full-NAT) with its ARP
 * ({@link io.lvs4j.transport.epoll.PacketDirector}).
 */
package io.lvs4j.transport.epoll;
