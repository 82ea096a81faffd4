package io.lvs4j.examples;

import io.lvs4j.core.model.RealServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The address and port the {@code schedule} simulator gives each named server, the identity
 * hashing schedulers (sh, dh, mh, maglev) see. It depends on the server's name alone, never on
 * its position in the list, so that the same set of servers gets the same identities however it
 * is listed and removing one server leaves the others theirs: a name that is an address
 * ({@code IP} or {@code IP:PORT}, {@code [IPv6]:PORT}) is that address (port 80 by default); any
 * other name gets an address in 10.0.0.0/8, from the SHA-256 of the name, port 80. Two names
 * that would share an endpoint are told apart by hashing again, the one first in name order
 * keeping the first endpoint, so that the outcome depends on the set of names alone.
 */
final class ServerIdentity {

    /** The port of a server whose name gives none. */
    static final int PORT = 80;

    private ServerIdentity() {
    }

    /**
     * Gives each server its endpoint.
     *
     * @param servers the servers, with unique names
     * @return each server as a direct-routing real server with its weight, in the given order
     */
    static List<RealServer> of(List<ServerSpec> servers) {
        Map<String, InetSocketAddress> chosen = new HashMap<>();
        Map<InetSocketAddress, String> taken = new HashMap<>();
        for (ServerSpec s : servers) {
            InetSocketAddress literal = literal(s.name());
            if (literal != null) {
                String other = taken.putIfAbsent(literal, s.name());
                if (other != null) {
                    throw new IllegalArgumentException("servers '" + other + "' and '" + s.name() + "' are one endpoint");
                }
                chosen.put(s.name(), literal);
            }
        }
        TreeMap<String, Integer> pending = new TreeMap<>();
        for (ServerSpec s : servers) {
            if (!chosen.containsKey(s.name())) {
                pending.put(s.name(), 0);
            }
        }
        while (!pending.isEmpty()) {
            TreeMap<String, Integer> again = new TreeMap<>();
            for (Map.Entry<String, Integer> e : pending.entrySet()) {
                InetSocketAddress candidate = hashed(e.getKey(), e.getValue());
                if (taken.putIfAbsent(candidate, e.getKey()) == null) {
                    chosen.put(e.getKey(), candidate);
                } else {
                    again.put(e.getKey(), e.getValue() + 1);
                }
            }
            pending = again;
        }
        List<RealServer> result = new ArrayList<>();
        for (ServerSpec s : servers) {
            InetSocketAddress a = chosen.get(s.name());
            result.add(RealServer.of(a.getAddress(), a.getPort(), s.weight()));
        }
        return result;
    }

    /** @return the endpoint a name spells, or null if it is not an address */
    static InetSocketAddress literal(String name) {
        try {
            return EditRequest.endpoint(name, PORT, "server");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetSocketAddress hashed(String name, int attempt) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((attempt == 0 ? name : name + "#" + attempt).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, digest[0], digest[1], digest[2]}),
                    PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
