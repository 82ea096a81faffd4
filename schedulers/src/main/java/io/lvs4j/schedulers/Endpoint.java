package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * What identifies a real server within a virtual service: its address and port. Used on the
 * control thread only, to follow servers across destination sets.
 */
record Endpoint(InetAddress address, int port) {

    static Endpoint of(Destination d) {
        return new Endpoint(d.server().address(), d.server().port());
    }

    /** Maps each destination's endpoint to its position. */
    static Map<Endpoint, Integer> positions(Destination[] dests) {
        Map<Endpoint, Integer> map = new HashMap<>();
        for (int i = 0; i < dests.length; i++) {
            map.put(of(dests[i]), i);
        }
        return map;
    }
}
