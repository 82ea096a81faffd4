package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wireshark's dissector (tshark) reads lvs4j's adverts, VRRPv2 with PASS authentication, VRRPv3
 * multicast and unicast over IPv4 and VRRPv3 over IPv6, as well-formed packets with good
 * checksums, TTL or hop limit 255 and TOS or traffic class 0xc0.
 */
class TsharkDecodeIT {

    @TempDir
    Path dir;

    @Test
    void shouldHaveAdvertsDecodedByTsharkWithoutMalformedPacketsOrBadChecksums() throws Exception {
        NetnsGuard.assumeNetns("tshark");
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("lvs").host("peer").build()) {
            Host lvs = lab.host("lvs");
            InetAddress self = InetAddress.getByName(lvs.ip());
            String linkLocal = KeepalivedIpv6IT.linkLocal(lvs);
            Path capture = dir.resolve("vrrp.pcapng");
            Process tshark = lvs.netns().start(new ProcessBuilder("tshark", "-i", lvs.iface(), "-f", "ip proto 112 or ip6 proto 112",
                    "-a", "duration:6", "-c", "200", "-w", capture.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("tshark.log").toFile()));
            try {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> Files.readString(dir.resolve("tshark.log")).contains("Capturing on"));
                VrrpInstanceConfig v2 = VrrpInstanceConfig.builder("V2").interfaceName(lvs.iface()).virtualRouterId(51)
                        .version(2).authPass("1111").advertInterval(Duration.ofSeconds(1)).priority(200)
                        .sourceAddress(self).virtualIpAddress(InetAddress.getByName(lab.address(200)))
                        .virtualIpAddress(InetAddress.getByName(lab.address(201))).build();
                VrrpInstanceConfig v3 = VrrpInstanceConfig.builder("V3").interfaceName(lvs.iface()).virtualRouterId(52)
                        .version(3).advertInterval(Duration.ofMillis(100)).priority(200).sourceAddress(self)
                        .virtualIpAddress(InetAddress.getByName(lab.address(202))).build();
                VrrpInstanceConfig unicast = VrrpInstanceConfig.builder("U3").interfaceName(lvs.iface())
                        .virtualRouterId(53)
                        .version(3).advertInterval(Duration.ofMillis(200)).priority(200).sourceAddress(self)
                        .unicastPeer(InetAddress.getByName(lab.host("peer").ip()))
                        .virtualIpAddress(InetAddress.getByName(lab.address(203))).build();
                VrrpInstanceConfig v6 = VrrpInstanceConfig.builder("V6").interfaceName(lvs.iface()).virtualRouterId(54)
                        .version(3).advertInterval(Duration.ofMillis(200)).priority(200)
                        .sourceAddress(InetAddress.getByName(linkLocal))
                        .virtualIpAddress(InetAddress.getByName("2001:db8::200")).build();
                IoEventLoop loop = (IoEventLoop) loops.next();
                try (EpollVrrpRouter router = lvs.netns().call(() -> EpollVrrpRouter.builder(loop).instance(v2)
                        .instance(v3).instance(unicast).instance(v6).build().start())) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> router.state("V2") == VrrpState.MASTER);
                    assertTrue(tshark.waitFor(30, TimeUnit.SECONDS), "tshark stops after its duration");
                }
            } finally {
                tshark.destroy();
            }
            Command.Result verbose = Command.run(Duration.ofSeconds(60),
                    List.of("tshark", "-r", capture.toString(), "-V")).check();
            assertTrue(verbose.stdout().contains("Virtual Router Redundancy Protocol"), verbose.stdout());
            assertFalse(verbose.stdout().contains("Malformed"), verbose.stdout());
            assertFalse(verbose.stdout().contains("Expert Info (Error"), verbose.stdout());
            assertFalse(verbose.stdout().contains("Expert Info (Warning"), verbose.stdout());

            Command.Result fields = Command.run(Duration.ofSeconds(60), List.of("tshark", "-r", capture.toString(),
                    "-T", "fields", "-E", "separator=,", "-e", "vrrp.virt_rtr_id", "-e", "vrrp.version",
                    "-e", "vrrp.checksum.status", "-e", "ip.ttl", "-e", "ip.dsfield", "-e", "ip.dst",
                    "-e", "ipv6.hlim", "-e", "ipv6.tclass", "-e", "ipv6.dst",
                    "-e", "vrrp.auth_string", "-e", "_ws.malformed")).check();
            Map<String, Integer> byRouter = new HashMap<>();
            for (String line : fields.stdout().strip().split("\n")) {
                String[] f = line.split(",", -1);
                assertEquals("1", f[2], "checksum good: " + line);
                assertEquals("", f[10], "not malformed: " + line);
                if ("54".equals(f[0])) {
                    assertEquals("3", f[1], line);
                    assertEquals("255", f[6], "hop limit: " + line);
                    assertEquals("0x000000c0", f[7], "traffic class: " + line);
                    assertEquals("ff02::12", f[8], line);
                    byRouter.merge(f[0], 1, Integer::sum);
                    continue;
                }
                assertEquals("255", f[3], "TTL: " + line);
                assertEquals("0xc0", f[4], "TOS: " + line);
                switch (f[0]) {
                    case "51" -> {
                        assertEquals("2", f[1], line);
                        assertEquals("224.0.0.18", f[5], line);
                        assertEquals("1111", f[9], line);
                    }
                    case "52" -> {
                        assertEquals("3", f[1], line);
                        assertEquals("224.0.0.18", f[5], line);
                    }
                    case "53" -> {
                        assertEquals("3", f[1], line);
                        assertEquals(lab.host("peer").ip(), f[5], line);
                    }
                    default -> throw new AssertionError("unexpected advert: " + line);
                }
                byRouter.merge(f[0], 1, Integer::sum);
            }
            System.out.println("[vrrp tshark] adverts decoded per VRID: " + byRouter);
            assertTrue(byRouter.getOrDefault("51", 0) >= 1, byRouter.toString());
            assertTrue(byRouter.getOrDefault("52", 0) >= 10, byRouter.toString());
            assertTrue(byRouter.getOrDefault("53", 0) >= 5, byRouter.toString());
            assertTrue(byRouter.getOrDefault("54", 0) >= 5, byRouter.toString());
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
