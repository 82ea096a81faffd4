package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Adverts a master must not obey, fed to a running node: each is dropped and counted under its
 * own cause, and the master stays master; the same advert from a legitimate sender takes over.
 */
class VrrpHostileAdvertTest {

    private final VirtualClock clock = new VirtualClock();
    private final List<String> sent = new ArrayList<>();
    private final VrrpPort port = new VrrpPort() {
        @Override
        public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            sent.add("advert " + advert.priority());
        }

        @Override
        public void takeOver(VrrpInstanceConfig instance) {
        }

        @Override
        public void release(VrrpInstanceConfig instance) {
        }
    };

    private VrrpNode master(VrrpInstanceConfig config) {
        VrrpNode node = VrrpNode.builder(port).clock(clock).instance(config).build();
        node.start();
        if (node.state("VI_1") != VrrpState.MASTER) {
            clock.set(node.nextDeadline());
            node.tick();
        }
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
        sent.clear();
        return node;
    }

    private static AdvertCheck feed(VrrpNode node, Advertisement ad, String source, String destination) {
        byte[] p = new byte[20 + ad.length()];
        VrrpEncoder.encodeIpv4Packet(ad, MemorySegment.ofArray(p), 0, (Inet4Address) ip(source),
                (Inet4Address) ip(destination), 1);
        return node.receiveIpv4("eth0", MemorySegment.ofArray(p), 0, p.length);
    }

    private static AdvertCheck feed6(VrrpNode node, Advertisement ad, String source) {
        byte[] src = ip(source).getAddress();
        byte[] msg = new byte[ad.length()];
        VrrpEncoder.encode(ad, MemorySegment.ofArray(msg), 0, src, VrrpEncoder.MULTICAST_V6);
        return node.receiveIpv6("eth0", MemorySegment.ofArray(msg), 0, msg.length, 255, src, VrrpEncoder.MULTICAST_V6);
    }

    private static Advertisement v3(int priority, InetAddress vip) {
        return new Advertisement(VrrpVersion.V3, 51, priority, 100, List.of(vip), null);
    }

    @Test
    void shouldIgnoreAUnicastAdvertFromAnAddressThatIsNotAPeer() {
        VrrpNode node = master(VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").version(3)
                .virtualRouterId(51).priority(100).sourceAddress(ip("198.18.0.11")).virtualIpAddress(ip("198.18.0.10"))
                .unicastPeer(ip("198.18.0.12")).build());
        assertEquals(AdvertCheck.UNKNOWN_UNICAST_SOURCE, feed(node, v3(200, ip("198.18.0.10")), "198.18.0.66",
                "198.18.0.11"));
        assertEquals(VrrpState.MASTER, node.state("VI_1"), "a stranger's priority 200 does not take over");
        assertEquals(1, node.validator("eth0").counter(AdvertCheck.UNKNOWN_UNICAST_SOURCE));
        assertEquals(AdvertCheck.ACCEPTED, feed(node, v3(200, ip("198.18.0.10")), "198.18.0.12", "198.18.0.11"));
        assertEquals(VrrpState.BACKUP, node.state("VI_1"), "the peer's does");
    }

    @Test
    void shouldIgnoreAnIpv6AdvertFromAnAddressThatIsNotLinkLocal() {
        InetAddress vip = ip("2001:db8::10");
        VrrpNode node = master(VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").version(3)
                .virtualRouterId(51).priority(100).sourceAddress(ip("fe80::11")).virtualIpAddress(vip).build());
        assertEquals(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL, feed6(node, v3(200, vip), "2001:db8::66"));
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
        assertEquals(1, node.validator("eth0").counter(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL));
        assertEquals(AdvertCheck.ACCEPTED, feed6(node, v3(200, vip), "fe80::12"));
        assertEquals(VrrpState.BACKUP, node.state("VI_1"));
        assertEquals(1, node.validator("eth0").warnings(AdvertWarning.IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL),
                "no link-local address in the list: accepted, counted");
    }

    @Test
    void shouldLetAnAddressOwnerIgnoreNonOwnersWithoutAnsweringThem() {
        VrrpNode node = master(VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").virtualRouterId(51).priority(255)
                .sourceAddress(ip("198.18.0.10")).virtualIpAddress(ip("198.18.0.10")).build());
        Advertisement rogue = new Advertisement(VrrpVersion.V2, 51, 254, 100, List.of(ip("198.18.0.10")), null);
        for (int i = 0; i < 100; i++) {
            assertEquals(AdvertCheck.LOCAL_OWNER, feed(node, rogue, "198.18.0.99", "224.0.0.18"));
        }
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
        assertEquals(List.of(), sent, "a flood of non-owner adverts draws no answer from the owner");
        assertEquals(100, node.validator("eth0").counter(AdvertCheck.LOCAL_OWNER));
        Advertisement leaving = new Advertisement(VrrpVersion.V2, 51, 0, 100, List.of(ip("198.18.0.10")), null);
        assertEquals(AdvertCheck.ACCEPTED, feed(node, leaving, "198.18.0.99", "224.0.0.18"));
        assertEquals(List.of("advert 255"), sent, "a priority-0 advert is answered at once (RFC 3768 6.4.3)");
        Advertisement otherOwner = new Advertisement(VrrpVersion.V2, 51, 255, 100, List.of(ip("198.18.0.10")), null);
        assertEquals(AdvertCheck.ACCEPTED, feed(node, otherOwner, "198.18.0.99", "224.0.0.18"));
        assertEquals(VrrpState.BACKUP, node.state("VI_1"),
                "a second owner with the higher address wins, so that two owners end with one master");
    }
}
