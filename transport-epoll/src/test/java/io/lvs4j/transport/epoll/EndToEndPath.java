package io.lvs4j.transport.epoll;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A way from the benchmark's client to its real server, measured by {@link EndToEndBenchmark}:
 * the direct path (the reference), the kernel's nftables DNAT on a router namespace, and the
 * lvs4j director's forwarding methods. Each path has its own destination address in the lab
 * ({@link EndToEndLab}), so all of them are set up at once and measured alternately.
 */
enum EndToEndPath {
    /** Client to the real server's own address: no director. */
    DIRECT("direct", "direct"),
    /** The kernel's NAT: a router namespace with an nftables {@code dnat} rule; replies routed back through it. */
    DNAT("dnat", "nftables DNAT (kernel)"),
    /** lvs4j direct routing: the real server holds the VIP on {@code lo} and answers the client itself. */
    DR("dr", "lvs4j DR"),
    /** lvs4j NAT: the director rewrites the destination; the real server routes replies through it. */
    NAT("nat", "lvs4j NAT"),
    /** lvs4j tunnelling in IP-in-IP; the real server's user-space decapsulator unwraps, it answers the client itself. */
    IPIP("ipip", "lvs4j TUN (IPIP)"),
    /** lvs4j tunnelling in GUE (UDP port {@link EndToEndLab#GUE_PORT}), unwrapped as for IPIP. */
    GUE("gue", "lvs4j TUN (GUE)"),
    /** lvs4j full-NAT: source and destination rewritten; the real server answers the director's local address. */
    FULL_NAT("fnat", "lvs4j full-NAT"),
    /** DR as above through a second lvs4j director that receives from a {@code TPACKET_V3} ring. */
    DR_RING("dr-ring", "lvs4j DR, ring"),
    /** NAT as above through the second director, receiving from a ring. */
    NAT_RING("nat-ring", "lvs4j NAT, ring");

    private final String key;
    private final String label;

    EndToEndPath(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** @return the name on the command line */
    String key() {
        return key;
    }

    /** @return the name in the results */
    String label() {
        return label;
    }

    /** @return {@code true} if the path goes through the lvs4j director */
    boolean viaDirector() {
        return this != DIRECT && this != DNAT;
    }

    /** @return {@code true} if the path goes through the second director, which receives from a ring */
    boolean viaRing() {
        return this == DR_RING || this == NAT_RING;
    }

    /**
     * Parses a comma-separated list of path names ({@code all} for every path); the direct path
     * is always included, first.
     *
     * @param list such as {@code dnat,dr}
     * @return the paths, direct first, each once
     */
    static List<EndToEndPath> parse(String list) {
        List<EndToEndPath> paths = new ArrayList<>(List.of(DIRECT));
        for (String name : list.split(",")) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            if (key.equals("all")) {
                for (EndToEndPath path : values()) {
                    if (!paths.contains(path)) {
                        paths.add(path);
                    }
                }
                continue;
            }
            EndToEndPath found = null;
            for (EndToEndPath path : values()) {
                if (path.key.equals(key)) {
                    found = path;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown path " + name + "; known: " + keys());
            }
            if (!paths.contains(found)) {
                paths.add(found);
            }
        }
        return paths;
    }

    /** @return every path's name, comma-separated */
    static String keys() {
        List<String> keys = new ArrayList<>();
        for (EndToEndPath path : values()) {
            keys.add(path.key);
        }
        return String.join(",", keys);
    }
}
