package io.lvs4j.examples;

import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j realserver --decap gue --vip VIP} in a real server's namespace: a GUE packet
 * from a "director" carrying a client's UDP datagram to the VIP is answered straight to the
 * client from the VIP; at the stop the VIP is removed and the TUN device is gone.
 */
class RealServerCommandIT {

    @Test
    void shouldServeGueForTheVipUntilStoppedThenRemoveTheVip() throws Exception {
        NetnsGuard.assumeNetns();
        try (Lab lab = Lab.builder().host("client").host("director").host("rs").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs");
            String vip = lab.address(203);
            String tun = "rs-" + lab.tag();
            CommandLine cl = Lvs4j.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.parseArgs("realserver", "--decap", "gue", "--port", "6081", "--vip", vip, "--tun-name", tun,
                    "--director", director.ip());
            RealServerCommand command = cl.getSubcommands().get("realserver").getCommand();
            CountDownLatch stop = new CountDownLatch(1);
            CompletableFuture<TunnelDecapsulator> started = new CompletableFuture<>();
            Future<Integer> exit = rs.netns().executor().submit(() -> command.serve(stop, started::complete));
            try {
                TunnelDecapsulator decap = started.get(30, TimeUnit.SECONDS);
                assertTrue(rs.exec("ip", "addr", "show", "dev", "lo").stdout().contains(vip + "/32"));
                assertEquals("0", rs.exec("sysctl", "-n", "net.ipv4.conf." + tun + ".rp_filter").stdout().strip());
                try (DatagramChannel echo = rs.netns().call(() -> DatagramChannel.open()
                                .bind(new InetSocketAddress(vip, 7)));
                        DatagramSocket socket = client.netns().call(() -> new DatagramSocket(
                                new InetSocketAddress(client.ip(), 0)));
                        DatagramSocket gue = director.netns().call(() -> new DatagramSocket(
                                new InetSocketAddress(director.ip(), 0)))) {
                    socket.setSoTimeout(5000);
                    byte[] inner = new PacketBuilder().ipv4(client.ip(), vip).udp(socket.getLocalPort(), 7)
                            .payload("ping".getBytes(StandardCharsets.US_ASCII)).buildIpPacket();
                    byte[] payload = new byte[4 + inner.length];
                    payload[1] = 4;
                    System.arraycopy(inner, 0, payload, 4, inner.length);
                    gue.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(rs.ip(), 6081)));

                    ByteBuffer buffer = ByteBuffer.allocate(64);
                    echo.configureBlocking(true);
                    Future<SocketAddress> from = rs.netns().executor().submit(() -> echo.receive(buffer));
                    SocketAddress sender = from.get(5, TimeUnit.SECONDS);
                    buffer.flip();
                    echo.send(buffer, sender);
                    DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                    socket.receive(answer);
                    assertEquals(new InetSocketAddress(vip, 7), answer.getSocketAddress());
                    assertEquals("ping", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII));
                    // counted after the write into the TUN device: the echo may come first
                    await().atMost(5, TimeUnit.SECONDS).until(() -> decap.counter(DecapCounter.DECAPSULATED) == 1);
                }
            } finally {
                stop.countDown();
            }
            assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
            assertFalse(rs.exec("ip", "addr", "show", "dev", "lo").stdout().contains(vip + "/32"), "VIP removed");
            assertFalse(rs.exec("ip", "link", "show", tun).ok(), "TUN device gone");
        }
    }
}
