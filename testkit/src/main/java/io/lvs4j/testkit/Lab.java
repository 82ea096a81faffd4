package io.lvs4j.testkit;

import io.lvs4j.lab.Netns;
import io.lvs4j.lab.Host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A lab of network namespaces: a Linux bridge inside its own namespace, and hosts, each a
 * namespace joined to the bridge by a veth pair, addressed in {@code 198.18.0.0/24} (part of the
 * benchmarking range 198.18.0.0/15). Nothing is created in the root namespace; every name holds
 * the lab's random tag, so labs of tests running at once never collide.
 *
 * <p>A lab is always torn down: {@link #close()} (use try-with-resources or {@code @AfterAll}),
 * a JVM shutdown hook otherwise, and a failed {@link Builder#build()} removes what it made.
 * Thread-safe after it is built.
 */
public final class Lab implements AutoCloseable {

    /** The lab's network prefix; host {@code n} gets {@code 198.18.0.n}. */
    public static final String PREFIX = "198.18.0.";
    /** The prefix length of the lab's network. */
    public static final int PREFIX_LENGTH = 24;

    private final String tag;
    private final Netns bridgeNs;
    private final String bridge;
    private final Map<String, Host> hosts;

    private Lab(String tag, Netns bridgeNs, String bridge, Map<String, Host> hosts) {
        this.tag = tag;
        this.bridgeNs = bridgeNs;
        this.bridge = bridge;
        this.hosts = hosts;
    }

    /** @return a builder of a lab with a fresh random tag */
    public static Builder builder() {
        return new Builder(Netns.randomTag());
    }

    /** @return the lab's random tag, part of every name it creates */
    public String tag() {
        return tag;
    }

    /** @return the namespace holding the bridge */
    public Netns bridgeNamespace() {
        return bridgeNs;
    }

    /** @return the bridge's name inside {@link #bridgeNamespace()} */
    public String bridge() {
        return bridge;
    }

    /**
     * Finds a host by its role.
     *
     * @param role the role given to {@link Builder#host}
     * @return the host
     * @throws NoSuchElementException if there is no such host
     */
    public Host host(String role) {
        Host host = hosts.get(role);
        if (host == null) {
            throw new NoSuchElementException("no host " + role + " in lab " + tag);
        }
        return host;
    }

    /** @return the hosts in the order they were added */
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * Returns an address of the lab's network that no host has, for a VIP.
     *
     * @param n the last octet, 200 to 254 by convention
     * @return {@code 198.18.0.n}
     */
    public String address(int n) {
        if (n < 1 || n > 254) {
            throw new IllegalArgumentException("last octet must be in [1, 254]: " + n);
        }
        return PREFIX + n;
    }

    /** Deletes every namespace of the lab, hosts first; idempotent. */
    @Override
    public void close() {
        for (Host host : hosts.values()) {
            host.netns().close();
        }
        bridgeNs.close();
    }

    /** Builds a lab. Not thread-safe. */
    public static final class Builder {
        private final String tag;
        private final List<String> roles = new ArrayList<>();

        private Builder(String tag) {
            this.tag = tag;
        }

        /**
         * Adds a host; the n-th host added (from 1) gets address {@code 198.18.0.(10 + n)}.
         *
         * @param role a short name such as {@code client}, {@code director}, {@code rs1}
         * @return this builder
         */
        public Builder host(String role) {
            if (roles.contains(role) || !role.matches("[a-z0-9]{1,12}")) {
                throw new IllegalArgumentException("role must be new and of 1 to 12 letters or digits: " + role);
            }
            roles.add(role);
            return this;
        }

        /**
         * Creates the namespaces, the bridge, the veth pairs and the addresses.
         *
         * @return the lab, every link up
         */
        public Lab build() {
            Netns bridgeNs = Netns.create("br", tag);
            Map<String, Host> hosts = new LinkedHashMap<>();
            String bridge = "br-" + tag;
            try {
                bridgeNs.exec("ip", "link", "add", bridge, "type", "bridge").check();
                bridgeNs.exec("ip", "link", "set", bridge, "up").check();
                // Bridged IPv4 would otherwise traverse this namespace's (empty) netfilter hooks.
                bridgeNs.exec("sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=0");
                int n = 0;
                for (String role : roles) {
                    n++;
                    Netns ns = Netns.create(role, tag);
                    String port = "v" + tag + "-" + n;
                    String iface = "eth-" + tag;
                    String ip = PREFIX + (10 + n);
                    hosts.put(role, new Host(role, ns, iface, ip));
                    bridgeNs.exec("ip", "link", "add", port, "type", "veth", "peer", "name", iface, "netns", ns.name())
                            .check();
                    bridgeNs.exec("ip", "link", "set", port, "master", bridge).check();
                    bridgeNs.exec("ip", "link", "set", port, "up").check();
                    ns.exec("ip", "addr", "add", ip + "/" + PREFIX_LENGTH, "dev", iface).check();
                    ns.exec("ip", "link", "set", iface, "up").check();
                }
                return new Lab(tag, bridgeNs, bridge, hosts);
            } catch (RuntimeException e) {
                hosts.values().forEach(h -> h.netns().close());
                bridgeNs.close();
                throw e;
            }
        }
    }
}
