/**
 * Raw packet and IP sockets opened through the Foreign Function and Memory API and driven by
 * Netty's epoll event loop: forwarders, ARP and VRRP I/O, and the network I/O of the health
 * checks.
 */
module io.lvs4j.transport.epoll {
    requires transitive io.lvs4j.core;
    requires transitive io.lvs4j.schedulers;
    requires transitive io.lvs4j.vrrp;
    requires transitive io.netty.transport.classes.epoll;
    requires transitive io.netty.transport;
    requires io.netty.transport.unix.common;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.dns;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires org.slf4j;

    exports io.lvs4j.transport.epoll;
    exports io.lvs4j.transport.epoll.bgp;
    exports io.lvs4j.transport.epoll.check;
    exports io.lvs4j.transport.epoll.tunnel;
    exports io.lvs4j.transport.epoll.vrrp;
}
