/**
 * VRRP for lvs4j: VRRPv2 (RFC 3768, with keepalived's simple password) and VRRPv3 (RFC 5798,
 * IPv4 and IPv6), interoperable with keepalived on the wire.
 *
 * <h2>Layers, each usable alone</h2>
 * <ul>
 *   <li>Codec: {@link io.lvs4j.vrrp.VrrpAdvert} (a flyweight over a {@code MemorySegment}),
 *       {@link io.lvs4j.vrrp.VrrpEncoder} (writes adverts, or whole IPv4 packets, as keepalived
 *       does) and {@link io.lvs4j.vrrp.AdvertValidator} (the RFC receive checks in order, each
 *       rejection counted as an {@link io.lvs4j.vrrp.AdvertCheck}).</li>
 *   <li>{@link io.lvs4j.vrrp.VrrpStateMachine}: one virtual router's states and timers, pure:
 *       a clock and events in, {@link io.lvs4j.vrrp.VrrpActions} out.</li>
 *   <li>{@link io.lvs4j.vrrp.VrrpNode}: several instances with sync groups, tracked
 *       interfaces and scripts, Java listeners and keepalived-style notify scripts, talking to
 *       the network through a {@link io.lvs4j.vrrp.VrrpPort}. It owns no thread. It runs the
 *       configuration model of {@code io.lvs4j.core.config} ({@code VrrpInstanceConfig},
 *       {@code VrrpSyncGroupConfig}), which the keepalived.conf parser also produces.</li>
 *   <li>{@link io.lvs4j.vrrp.VrrpService}: a node on a thread of its own, for an application
 *       that only wants to hold a floating IP.</li>
 * </ul>
 *
 * <h2>Holding a floating IP</h2>
 * <pre>{@code
 * VrrpInstanceConfig vip = VrrpInstanceConfig.builder("VI_1")
 *         .interfaceName("eth0").version(3).virtualRouterId(51).priority(100)
 *         .sourceAddress(InetAddress.getByName("198.18.0.11"))
 *         .virtualIpAddress(InetAddress.getByName("198.18.0.10"))
 *         .build();
 * try (VrrpService service = new VrrpService(VrrpNode.builder(port).instance(vip)
 *         .listener((name, from, to, priority) -> log(name + " is " + to)))) {
 *     service.start();
 *     // the port's receive loop calls service.receiveIpv4("eth0", packet) for each packet
 * }
 * }</pre>
 * The {@code port} is the raw-socket side: it sends what {@link io.lvs4j.vrrp.VrrpPort#sendAdvert}
 * asks (IP protocol 112, TTL 255, to 224.0.0.18 / ff02::12 or to the unicast peers) and owns or
 * releases the virtual addresses.
 */
package io.lvs4j.vrrp;
