package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.ClientPorts;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.vrrp.VrrpState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived's {@code virtual_server fwmark 7} (DR, rr, persistent) on a {@link Director} from a
 * keepalived.conf in namespaces, with the rule set a user writes: an nftables {@code netdev}
 * ingress rule on the director's interface marks the VIP's ports 80 and 8080, an {@code inet}
 * input rule drops the marked packets (the kernel holds the VIP, put on the interface by the
 * VRRP instance's {@code virtual_ipaddress}, and would answer them itself). Both ports reach the
 * real servers (nginx), each client sticks to one server across both, and an unmarked port of
 * the same VIP is left to the kernel. The same over NAT on two loops, with AF_XDP asked for.
 */
class FwmarkDirectorIT {

    @Test
    void shouldForwardMarkedPortsOfAKernelVipKeepingEachClientOnOneServerAcrossThem(@TempDir Path dir)
            throws Exception {
        NetnsGuard.assumeNetns("curl", "nft");
        try (Lab lab = Lab.builder().host("client").host("client2").host("director").host("rs1").host("rs2")
                .build()) {
            Host director = lab.host("director");
            String vip = lab.address(210);
            lab.host("rs1").holdVipOnLoopback(vip);
            lab.host("rs2").holdVipOnLoopback(vip);
            String conf = fwmarkConf(lab, vip, 64, "DR");
            markRules(director, vip, dir, 7);
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("director.conf"), conf).config();
            List<NamedHttpServer> servers = new ArrayList<>();
            try {
                startMarkedPortServers(lab, servers);
                servers.add(NamedHttpServer.start(lab.host("rs1"), "rs1", 9090));
                try (Director d = director.netns().call(() -> Director.fromConfig(config, null).build().start())) {
                    awaitMasterHoldingTheVip(d, director, vip);
                    VirtualService service = d.services().getFirst();
                    assertEquals("FWM 7 rr", service.toString());
                    await().atMost(10, TimeUnit.SECONDS).until(() -> service.destinations().size() == 2);
                    ClientPorts ports = new ClientPorts();
                    PacketDirector data = d.dataPath();

                    // Each client: both marked ports, several connections each, one server for all.
                    String first = sameServerOnBothPorts(lab.host("client"), ports, vip);
                    String second = sameServerOnBothPorts(lab.host("client2"), ports, vip);
                    assertNotEquals(first, second, "rr gives the second client the other server");
                    assertEquals(12, connections(service), "every connection went through the fwmark service");
                    assertEquals(12, data.counter(DirectorCounter.NEW_CONNECTIONS));

                    // An unmarked port of the same VIP is the kernel's: not forwarded (rs1 would answer it).
                    Host client = lab.host("client");
                    var refused = client.exec("curl", "-sS", "-m", "5", "http://" + vip + ":9090/");
                    assertFalse(refused.ok(), "the kernel refuses an unmarked port: " + refused.stdout());
                    assertTrue(refused.stderr().contains("onnect"), refused.stderr());
                    assertEquals(12, connections(service), "no connection for the unmarked port");
                    assertEquals(12, data.counter(DirectorCounter.NEW_CONNECTIONS));

                    // A reload turns the service into fwmark 8: the marked sockets' filter follows.
                    d.reload(KeepalivedConfigParser.create().parse(Path.of("director.conf"),
                            conf.replace("fwmark 7", "fwmark 8")).config());
                    assertEquals("FWM 8 rr", d.services().getFirst().toString());
                    markRules(director, vip, dir, 8);
                    String after = curl(client, ports, "http://" + vip + ":8080/");
                    assertTrue(after.equals("rs1") || after.equals("rs2"), after);
                    assertEquals(13, data.counter(DirectorCounter.NEW_CONNECTIONS), "through the new service");
                }
            } finally {
                servers.forEach(NamedHttpServer::close);
            }
        }
    }

    /**
     * The same over NAT with two loops, the director asked for AF_XDP: it stays on the packet
     * sockets (XDP runs before the mark is set), the marked frames of a client and its servers'
     * replies meet on one loop, and the real servers (port 0) are reached on each packet's port.
     */
    @Test
    void shouldMasqueradeMarkedPortsOverTwoLoopsOnThePacketSocketsWhenXdpIsAsked(@TempDir Path dir)
            throws Exception {
        NetnsGuard.assumeNetns("curl", "nft");
        try (Lab lab = Lab.builder().host("client").host("client2").host("director").host("rs1").host("rs2")
                .build()) {
            Host director = lab.host("director");
            String vip = lab.address(210);
            director.exec("ip", "addr", "add", "198.18.1.1/24", "dev", director.iface()).check();
            String[][] clients = {{"client", "198.18.1.11"}, {"client2", "198.18.1.12"}};
            for (String[] c : clients) {
                Host client = lab.host(c[0]);
                client.exec("ip", "addr", "flush", "dev", client.iface()).check();
                client.exec("ip", "addr", "add", c[1] + "/24", "dev", client.iface()).check();
                client.exec("ip", "route", "add", "default", "via", "198.18.1.1").check();
            }
            for (String rs : List.of("rs1", "rs2")) {
                lab.host(rs).exec("ip", "route", "add", "default", "via", director.ip()).check();
            }
            assertEquals("0", director.exec("sysctl", "-n", "net.ipv4.ip_forward").check().stdout().strip(),
                    "the director's kernel forwards nothing");
            String conf = fwmarkConf(lab, vip, 65, "NAT");
            markRules(director, vip, dir, 7);
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("director.conf"), conf).config();
            List<NamedHttpServer> servers = new ArrayList<>();
            try {
                startMarkedPortServers(lab, servers);
                try (Director d = director.netns().call(() -> Director.fromConfig(config, null).loops(2)
                        .transport(Transport.XDP).build().start())) {
                    PacketDirector data = d.dataPath();
                    assertEquals("packet", data.transport(), "fwmark services keep the packet sockets");
                    awaitMasterHoldingTheVip(d, director, vip);
                    VirtualService service = d.services().getFirst();
                    await().atMost(10, TimeUnit.SECONDS).until(() -> service.destinations().size() == 2);
                    ClientPorts ports = new ClientPorts();
                    String first = sameServerOnBothPorts(lab.host("client"), ports, vip);
                    String second = sameServerOnBothPorts(lab.host("client2"), ports, vip);
                    assertNotEquals(first, second, "rr gives the second client the other server");
                    assertEquals(12, data.counter(DirectorCounter.NEW_CONNECTIONS));
                    assertTrue(data.counter(DirectorCounter.REPLIES_FORWARDED) > 0, "the replies came back through us");
                }
            } finally {
                servers.forEach(NamedHttpServer::close);
            }
        }
    }

    /**
     * @return a keepalived.conf of one VRRP instance whose {@code virtual_ipaddress} (the VIP, on
     *     the kernel interface) no virtual server uses, and a persistent rr {@code virtual_server
     *     fwmark 7} of the given {@code lb_kind} over rs1 and rs2 at port 0
     */
    private static String fwmarkConf(Lab lab, String vip, int vrid, String kind) {
        return """
                vrrp_instance VI_1 {
                    interface %1$s
                    virtual_router_id %5$d
                    priority 100
                    advert_int 1
                    virtual_ipaddress { %2$s/24 }
                }
                virtual_server fwmark 7 {
                    lb_algo rr
                    lb_kind %6$s
                    persistence_timeout 60
                    real_server %3$s 0 {
                    }
                    real_server %4$s 0 {
                    }
                }
                """.formatted(lab.host("director").iface(), vip, lab.host("rs1").ip(), lab.host("rs2").ip(), vrid,
                kind);
    }

    /** Starts a named HTTP server on the marked ports, 80 and 8080, of rs1 and rs2. */
    private static void startMarkedPortServers(Lab lab, List<NamedHttpServer> servers) throws Exception {
        for (String rs : List.of("rs1", "rs2")) {
            servers.add(NamedHttpServer.start(lab.host(rs), rs, 80));
            servers.add(NamedHttpServer.start(lab.host(rs), rs, 8080));
        }
    }

    /** Waits until the director is VI_1's master and the VIP is on its kernel interface. */
    private static void awaitMasterHoldingTheVip(Director d, Host director, String vip) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.MASTER);
        await().atMost(10, TimeUnit.SECONDS).until(() -> director.exec("ip", "-4", "addr", "show", "dev",
                director.iface()).stdout().contains(vip + "/"));
    }

    /** The user's rule set: mark the VIP's ports 80 and 8080 at ingress, drop the marked packets at input. */
    private static void markRules(Host director, String vip, Path dir, int mark) throws Exception {
        Path rules = dir.resolve("fwmark.nft");
        Files.writeString(rules, """
                flush ruleset
                table netdev lvs4j_fwmark {
                    chain ingress {
                        type filter hook ingress device "%1$s" priority 0;
                        ip daddr %2$s tcp dport { 80, 8080 } meta mark set %3$d
                    }
                }
                table inet lvs4j_filter {
                    chain input {
                        type filter hook input priority 0;
                        meta mark %3$d drop
                    }
                }
                """.formatted(director.iface(), vip, mark));
        director.exec("nft", "-f", rules.toString()).check();
    }

    /**
     * A director started without a fwmark service has no marked sockets: a reload that adds the
     * first one is refused whole, and the director goes on as it was.
     */
    @Test
    void shouldRefuseAReloadAddingTheFirstFwmarkServiceAndKeepRunning() throws Exception {
        NetnsGuard.assumeNetns();
        try (Lab lab = Lab.builder().host("director").build()) {
            Host director = lab.host("director");
            String plain = """
                    virtual_server %1$s 80 {
                        lb_kind DR
                        real_server %2$s 80 {
                        }
                    }
                    """.formatted(lab.address(200), lab.address(201));
            String withMark = plain + """
                    virtual_server fwmark 7 {
                        lb_kind DR
                        real_server %1$s 0 {
                        }
                    }
                    """.formatted(lab.address(201));
            KeepalivedConfigParser parser = KeepalivedConfigParser.create();
            DirectorConfig first = parser.parse(Path.of("director.conf"), plain).config();
            DirectorConfig next = parser.parse(Path.of("director.conf"), withMark).config();
            try (Director d = director.netns().call(() -> Director.fromConfig(first, director.iface()).build().start())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.reload(next));
                assertTrue(e.getMessage().contains("fwmark services need the marked packet sockets, which the director"
                        + " opens when it starts with a fwmark service: restart it to add the first one"),
                        e.getMessage());
                assertEquals(1, d.services().size(), "the running configuration stays");
                assertTrue(d.serving());
            }
        }
    }

    /** @return the server that answered every request of a client to both marked ports */
    private static String sameServerOnBothPorts(Host client, ClientPorts ports, String vip) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int port : new int[] {80, 8080}) {
                names.add(curl(client, ports, "http://" + vip + ":" + port + "/"));
            }
        }
        assertTrue(names.getFirst().equals("rs1") || names.getFirst().equals("rs2"), names.toString());
        assertEquals(List.of(names.getFirst()), names.stream().distinct().toList(),
                "persistence: one server for the client across ports 80 and 8080");
        return names.getFirst();
    }

    private static String curl(Host client, ClientPorts ports, String url) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "5"));
        command.addAll(ports.curlOption());
        command.add(url);
        return client.exec(command.toArray(String[]::new)).check().stdout().strip();
    }

    private static long connections(VirtualService service) {
        long sum = 0;
        for (int i = 0; i < service.destinations().size(); i++) {
            var counters = service.destinations().get(i).counters();
            sum += counters.activeConnections() + counters.inactiveConnections();
        }
        return sum;
    }
}
