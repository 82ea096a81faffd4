package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NetworkOrder;

/**
 * Says what a parsed frame is to a director's loop, so that the loop hands it to the right part:
 * ARP or Neighbor Discovery (to the address owner and the neighbour tables), a client's frame to
 * a virtual service (to the service's forwarder), a real server's reply to a full-NAT local
 * address or (NAT) to a client, an ICMP error to a virtual address about a connection's reply,
 * a fragment to a virtual address (dropped), or none of the director's business (left to the
 * kernel). Only frames to the director's MAC for a VIP it serves now are forwarded (and the
 * replies and errors of its NAT and full-NAT connections while it serves any, or has a fwmark
 * service). A frame with a firewall mark (from a marked socket) that a fwmark service has goes
 * to that service first, as IPVS looks up fwmark services first; such a service has no VIP of
 * its own and is served while the director runs: whether marked frames reach this director is
 * decided by whoever holds the marked address (the VRRP master puts it on its kernel
 * interface), as with IPVS.
 *
 * <p>Not thread-safe: one per loop; allocation-free.
 */
final class FrameClassifier {

    /** What a frame is. */
    enum Kind {
        /** An ARP packet. */
        ARP,
        /** A neighbour solicitation or advertisement. */
        NEIGHBOUR_DISCOVERY,
        /** A client's frame to a virtual service ({@link #service()}). */
        TO_SERVICE,
        /** A frame to a full-NAT local address: a real server's reply or an ICMP error. */
        TO_LOCAL_ADDRESS,
        /** An ICMP or ICMPv6 error to a virtual address, about a reply of a connection. */
        ICMP_TO_VIRTUAL_ADDRESS,
        /** A frame to the director for no address of its own: a NAT real server's reply or error. */
        FROM_SERVER,
        /** A fragment (or a packet without ports) to a virtual address: dropped. */
        FRAGMENT,
        /** Not the director's business. */
        NOT_OURS
    }

    private int service = -1;

    /**
     * Classifies a frame the parser accepted.
     *
     * @param parser the parser, positioned on the frame
     * @param services the services now
     * @param linkMac the director's MAC
     * @param serving which VIPs the director serves now
     * @param mark the frame's firewall mark, 0 for none
     * @return the kind; for {@link Kind#TO_SERVICE} the service is {@link #service()}
     */
    Kind classify(FrameParser parser, ServiceTable services, long linkMac, Publication serving, int mark) {
        service = -1;
        if (parser.etherType() == EthernetHeader.TYPE_ARP) {
            return Kind.ARP;
        }
        if (mark != 0 && parser.ethernet().destination() == linkMac) {
            int s = services.findMark(parser.ipVersion(), mark);
            if (s >= 0) {
                service = s;
                return parser.fragment() || !parser.hasPorts() ? Kind.FRAGMENT : Kind.TO_SERVICE;
            }
        }
        // The replies (NAT) and full-NAT local addresses of a fwmark service, which has no VIP, are
        // served while the director runs, as the service is.
        boolean toUs = (serving.any() || services.hasMarks()) && parser.ethernet().destination() == linkMac;
        if (parser.ipVersion() == 4) {
            return ipv4(parser, services, serving, toUs);
        }
        if (parser.ipVersion() == 6) {
            if (neighbourDiscovery(parser)) {
                return Kind.NEIGHBOUR_DISCOVERY;
            }
            return services.vips6().isEmpty() ? Kind.NOT_OURS : ipv6(parser, services, serving, toUs);
        }
        return Kind.NOT_OURS;
    }

    /** @return the service of the last frame classified {@link Kind#TO_SERVICE}, else -1 */
    int service() {
        return service;
    }

    private Kind ipv4(FrameParser parser, ServiceTable services, Publication serving, boolean toUs) {
        int address = parser.ipv4().destination();
        if (toUs) {
            int s = services.find(parser.protocol(), address, parser.destinationPort());
            if (s >= 0 && serving.serving(services.vipIndex(s))) {
                service = s;
                return parser.fragment() || !parser.hasPorts() ? Kind.FRAGMENT : Kind.TO_SERVICE;
            }
            if (s < 0 && services.fullNat4() && services.isLocal(address)) {
                return Kind.TO_LOCAL_ADDRESS;
            }
            if (s < 0 && parser.quotedVersion() == 4 && serving.serving(services.vip4(address))) {
                return Kind.ICMP_TO_VIRTUAL_ADDRESS;
            }
            if (s < 0 && services.seesReplies() && !services.owns(address)) {
                return Kind.FROM_SERVER;
            }
        }
        return parser.fragment() && services.owns(address) ? Kind.FRAGMENT : Kind.NOT_OURS;
    }

    private Kind ipv6(FrameParser parser, ServiceTable services, Publication serving, boolean toUs) {
        long address = parser.destinationAddressOffset();
        boolean owned = services.owns6(parser.segment(), address);
        if (toUs) {
            if (services.fullNat6() && services.local6(parser.segment(), address) >= 0) {
                return Kind.TO_LOCAL_ADDRESS;
            }
            int vip = services.vip6(parser.segment(), address);
            if (parser.quotedVersion() == 6 && serving.serving(vip)) {
                return Kind.ICMP_TO_VIRTUAL_ADDRESS;
            }
            int s = services.find6(parser.protocol(), parser.segment(), address, parser.destinationPort());
            if (s >= 0 && serving.serving(vip)) {
                service = s;
                return parser.fragment() || !parser.hasPorts() ? Kind.FRAGMENT : Kind.TO_SERVICE;
            }
            if (s < 0 && services.seesReplies() && !owned) {
                return Kind.FROM_SERVER;
            }
        }
        return parser.fragment() && owned ? Kind.FRAGMENT : Kind.NOT_OURS;
    }

    private static boolean neighbourDiscovery(FrameParser parser) {
        long icmp = parser.l4Offset();
        if (parser.protocol() != Ipv6Header.NEXT_ICMPV6 || icmp < 0) {
            return false;
        }
        int type = NetworkOrder.u8(parser.segment(), icmp);
        return type == Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION || type == Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT;
    }
}
