package io.lvs4j.testkit;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.lab.NettyNameServer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabIT {

    @BeforeAll
    static void requireNamespaces() {
        NetnsGuard.assumeNetns("curl");
    }

    @Test
    void shouldJoinHostsOnTheBridgeAndServeTheirNames() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            assertEquals("198.18.0.11", client.ip());
            assertEquals("198.18.0.13", rs2.ip());
            assertTrue(rs1.netns().name().contains(lab.tag()));
            try (NamedHttpServer one = NamedHttpServer.start(rs1, "nginx1", 80);
                    NamedHttpServer two = NettyNameServer.start(rs2.netns(), "netty2", 8080)) {
                NamedHttpServer.awaitListening(rs2.netns(), 8080, java.time.Duration.ofSeconds(10));
                assertEquals("nginx1\n", client.exec("curl", "-sS", "-m", "5", "http://" + rs1.ip() + "/").check().stdout());
                assertEquals("netty2\n",
                        client.exec("curl", "-sS", "-m", "5", "http://" + rs2.ip() + ":8080/").check().stdout());
            }
        }
    }

    /** A process its owner did not stop (a test stopped mid-way) must not outlive the namespace. */
    @Test
    void shouldKillWhatStillRunsInTheNamespaceWhenItCloses() throws Exception {
        Process sleeper;
        try (Lab lab = Lab.builder().host("solo").build()) {
            io.lvs4j.lab.Netns netns = lab.host("solo").netns();
            sleeper = netns.start(new ProcessBuilder("sleep", "600"));
            // `ip netns exec` enters the namespace, then becomes the sleep: wait until it is in
            Object namespace = Files.getAttribute(Path.of(netns.path()), "unix:ino");
            Path own = Path.of("/proc/" + sleeper.pid() + "/ns/net");
            await().atMost(Duration.ofSeconds(10)).until(() -> !sleeper.isAlive()
                    || Files.readSymbolicLink(own).toString().equals("net:[" + namespace + "]"));
            assertTrue(sleeper.isAlive());
        }
        assertTrue(sleeper.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the process ended with its namespace");
    }

    @Test
    void shouldRunJvmThreadsInsideTheNamespace() throws Exception {
        try (Lab lab = Lab.builder().host("solo").build()) {
            Host solo = lab.host("solo");
            InetSocketAddress own = new InetSocketAddress(solo.ip(), 0);
            int port = solo.netns().call(() -> {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(own);
                    return socket.getLocalPort();
                }
            });
            assertTrue(port > 0);
            try (ServerSocket outside = new ServerSocket()) {
                assertThrows(BindException.class, () -> outside.bind(own));
            }
        }
    }

    @Test
    void shouldDeleteEveryNamespaceOnClose() {
        Lab lab = Lab.builder().host("a").host("b").build();
        String tag = lab.tag();
        assertTrue(Command.run("ip", "netns", "list").check().stdout().contains(tag));
        lab.close();
        assertFalse(Command.run("ip", "netns", "list").check().stdout().contains(tag));
    }

    @Test
    void shouldHoldTheVipOnLoopbackWithoutAnsweringArp() {
        try (Lab lab = Lab.builder().host("rs").build()) {
            Host rs = lab.host("rs");
            rs.holdVipOnLoopback(lab.address(200));
            assertTrue(rs.exec("ip", "-o", "addr", "show", "dev", "lo").check().stdout().contains("198.18.0.200/32"));
            assertEquals("1", rs.exec("sysctl", "-n", "net.ipv4.conf.all.arp_ignore").check().stdout().strip());
            assertEquals("2", rs.exec("sysctl", "-n", "net.ipv4.conf." + rs.iface() + ".arp_announce").check()
                    .stdout().strip());
        }
    }
}
