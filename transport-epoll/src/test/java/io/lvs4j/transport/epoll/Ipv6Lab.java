package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.ClientPorts;
import io.lvs4j.testkit.Lab;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 on a {@link Lab}: every host gets {@code PREFIX + (10 + n)} on its lab interface (the
 * n-th host, as for IPv4), duplicate address detection off so that addresses work at once, and
 * the bridge floods multicast (no MLD snooping), so that solicitations reach a director that
 * owns a VIP in user space without joining its solicited-node group. Also the steps the IPv6
 * integration tests share: a client routed through the director, services, curl.
 */
final class Ipv6Lab {

    /** The lab's IPv6 prefix, documentation space; host {@code n} gets {@code PREFIX + (10 + n)}. */
    static final String PREFIX = "2001:db8:6::";
    /** The prefix of a client routed through the director ({@link #routeClientThroughDirector}). */
    static final String CLIENT_PREFIX = "2001:db8:7::";

    /**
     * The clients' source ports for the GETs whose answers are counted: each connection a new
     * tuple, never one the director still holds from an earlier connection ({@link ClientPorts}).
     */
    private static final ClientPorts PORTS = new ClientPorts();

    private final Map<String, String> addresses;

    private Ipv6Lab(Map<String, String> addresses) {
        this.addresses = addresses;
    }

    /** Adds IPv6 to every host of a lab. @return the addresses by role */
    static Ipv6Lab of(Lab lab) {
        lab.bridgeNamespace().exec("ip", "link", "set", lab.bridge(), "type", "bridge", "mcast_snooping", "0").check();
        Map<String, String> addresses = new LinkedHashMap<>();
        int n = 0;
        for (Host host : lab.hosts()) {
            n++;
            for (String scope : new String[] {"all", "default", host.iface()}) {
                host.exec("sysctl", "-q", "-w", "net.ipv6.conf." + scope + ".accept_dad=0").check();
            }
            String address = PREFIX + Integer.toHexString(10 + n);
            host.exec("ip", "-6", "addr", "add", address + "/64", "dev", host.iface(), "nodad").check();
            addresses.put(host.role(), address);
        }
        return new Ipv6Lab(addresses);
    }

    /** @return the IPv6 address of a host */
    String address(Host host) {
        return addresses.get(host.role());
    }

    /** @return the addresses of some hosts */
    InetAddress[] addresses(Host... hosts) throws Exception {
        InetAddress[] all = new InetAddress[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            all[i] = InetAddress.getByName(address(hosts[i]));
        }
        return all;
    }

    /** @return an address of the lab's IPv6 network that no host has, for a VIP */
    static String vip(int n) {
        return PREFIX + Integer.toHexString(n);
    }

    /** Holds an IPv6 VIP on a real server's {@code lo}, as for LVS-DR (the kernel then never answers solicitations for it). */
    static void holdVipOnLoopback(Host host, String vip) {
        host.exec("ip", "-6", "addr", "add", vip + "/128", "dev", "lo", "nodad").check();
    }

    /**
     * Moves a client into its own prefix ({@code CLIENT_PREFIX + 11}), routed through the
     * director's {@code CLIENT_PREFIX + 1}, as NAT and full-NAT tests want it.
     *
     * @return the client's address
     */
    static String routeClientThroughDirector(Host client, Host director) {
        String address = CLIENT_PREFIX + "11";
        client.exec("ip", "-6", "addr", "flush", "dev", client.iface(), "scope", "global").check();
        client.exec("ip", "-6", "addr", "add", address + "/64", "dev", client.iface(), "nodad").check();
        client.exec("ip", "-6", "route", "add", "default", "via", CLIENT_PREFIX + "1").check();
        director.exec("ip", "-6", "addr", "add", CLIENT_PREFIX + "1/64", "dev", director.iface(), "nodad").check();
        assertEquals("0", director.exec("sysctl", "-n", "net.ipv6.conf.all.forwarding").check().stdout().strip(),
                "the director's kernel forwards nothing itself");
        return address;
    }

    /** @return a round-robin service of a VIP and port over servers of one port */
    static VirtualService service(Protocol protocol, String vip, int port, int serverPort, InetAddress... servers)
            throws Exception {
        VirtualService vs = new VirtualService(protocol, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        for (InetAddress server : servers) {
            vs.addRealServer(RealServer.of(server, serverPort, 1));
        }
        return vs;
    }

    /** Waits until the director has resolved every server. */
    static void awaitResolved(PacketDirector director, InetAddress... servers) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            for (InetAddress server : servers) {
                if (!director.resolved(server)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return the bodies of {@code count} GETs of a VIP's {@code /} (the servers' names) over IPv6 */
    static List<String> names(Host client, String vip, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(get(client, "http://[" + vip + "]/"));
        }
        return names;
    }

    /** One GET with curl over IPv6 from a port of its own; @return the body, stripped */
    private static String get(Host client, String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "-6", "-sS", "-m", "5", "-g"));
        command.addAll(PORTS.curlOption());
        command.addAll(List.of(arguments));
        return client.exec(command.toArray(String[]::new)).check().stdout().strip();
    }

    /** Downloads {@code /big.bin} of a VIP over IPv6 and checks its SHA-256. */
    static void download(Host client, String vip, String sha256, String what) {
        String sum = client.netns().exec(Duration.ofSeconds(60), "sh", "-c",
                "curl -6 -sS -m 50 -g 'http://[" + vip + "]/big.bin' | sha256sum").check().stdout();
        assertEquals(sha256, sum.split(" ")[0], what);
    }

    /**
     * Gives the client eight more addresses of a prefix, which the director's fanout steers to
     * both of its two loops, and sends two GETs from each.
     *
     * @return the answers (servers' names) counted
     */
    static Map<String, Integer> fromEightClients(Host client, String prefix, String vip) {
        Set<Integer> loopsUsed = new HashSet<>();
        Map<String, Integer> answers = new HashMap<>();
        for (int n = 0x150; n < 0x158; n++) {
            String address = prefix + Integer.toHexString(n);
            client.exec("ip", "-6", "addr", "add", address + "/64", "dev", client.iface(), "nodad").check();
            loopsUsed.add(FanoutProgram.socketOf(n, 2));
            for (int i = 0; i < 2; i++) {
                answers.merge(get(client, "--interface", address, "http://[" + vip + "]/"), 1, Integer::sum);
            }
        }
        assertEquals(Set.of(0, 1), loopsUsed, "the clients' addresses steer to both loops");
        return answers;
    }

    /** Sends a frame built by the test from a host's interface. */
    static void inject(Host from, byte[] frame, IoEventLoopGroup loops) throws Exception {
        try (PacketSocket socket = from.netns().call(() -> PacketSocket.open(loops.next(),
                PacketSocketOptions.forInterface(from.iface()), false, s -> f -> { }));
                Arena arena = Arena.ofShared()) {
            MemorySegment segment = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
            assertTrue(((IoEventLoop) socket.loop()).submit(() -> socket.send(segment, 0, frame.length)).get());
        }
    }
}
