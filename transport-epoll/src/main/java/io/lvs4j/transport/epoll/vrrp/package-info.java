/**
 * VRRP on the epoll transport: a raw IP socket of protocol 112 per interface and family
 * ({@link io.lvs4j.transport.epoll.vrrp.VrrpSocket} for IPv4,
 * {@link io.lvs4j.transport.epoll.vrrp.VrrpSocket6} for IPv6) and
 * {@link io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter}, which runs a VRRP node on a Netty event
 * loop, follows the links through rtnetlink and owns the virtual addresses in user space (ARP,
 * neighbour discovery) while master. Holding a floating IP takes a few lines, run on a thread of the interface's
 * network namespace:
 *
 * <pre>{@code
 * VrrpInstanceConfig vi = VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").virtualRouterId(51)
 *         .priority(100).authPass("1111")
 *         .sourceAddress(InetAddress.getByName("192.0.2.10"))
 *         .virtualIpAddress(InetAddress.getByName("192.0.2.100")).build();
 * IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
 * EpollVrrpRouter router = EpollVrrpRouter.builder((IoEventLoop) group.next()).instance(vi)
 *         .listener((name, from, to, priority) -> log.info("{} is {}", name, to))
 *         .build().start();
 * // ... router.close() sends the priority-0 advert and releases the address.
 * }</pre>
 */
package io.lvs4j.transport.epoll.vrrp;
