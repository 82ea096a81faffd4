package io.lvs4j.schedulers;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual service driven as ipvsadm would: servers added (at the head of the list, as IPVS
 * does), edited and removed one command at a time, each command followed by one
 * {@link Scheduler#update(DestinationSet)}. Servers are named; server k gets 10.0.0.k:80.
 */
final class Lab {

    private final Scheduler scheduler;
    private final List<Destination> list = new ArrayList<>();
    private final Map<String, ConnectionCounters> counters = new HashMap<>();
    private final Map<String, RealServer> servers = new HashMap<>();
    private final Map<RealServer, String> names = new HashMap<>();
    private long generation;

    Lab(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    Lab add(String name, int weight) {
        return add(name, weight, ip("10.0.0." + (servers.size() + 1)), 80);
    }

    Lab add(String name, int weight, InetAddress address, int port) {
        RealServer s = RealServer.of(address, port, weight);
        servers.put(name, s);
        names.put(s.withWeight(0), name);
        ConnectionCounters c = counters.computeIfAbsent(name, n -> new ConnectionCounters());
        list.add(0, new Destination(s, c));
        return publish();
    }

    Lab edit(String name, int weight) {
        RealServer s = servers.get(name).withWeight(weight);
        servers.put(name, s);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).server().sameEndpoint(s)) {
                list.set(i, new Destination(s, counters.get(name)));
            }
        }
        return publish();
    }

    Lab remove(String name) {
        list.removeIf(d -> d.server().sameEndpoint(servers.get(name)));
        return publish();
    }

    private Lab publish() {
        scheduler.update(new DestinationSet(list, ++generation));
        return this;
    }

    ConnectionCounters counters(String name) {
        return counters.get(name);
    }

    /** Sets a server's live counters and overload flag. */
    Lab load(String name, int active, int inactive) {
        ConnectionCounters c = counters.get(name);
        while (c.activeConnections() < active) {
            c.bindConnection(false);
        }
        while (c.activeConnections() > active) {
            c.unbindConnection(false);
        }
        while (c.inactiveConnections() < inactive) {
            c.bindConnection(true);
        }
        while (c.inactiveConnections() > inactive) {
            c.unbindConnection(true);
        }
        return this;
    }

    /** Marks a server overloaded: an upper threshold of 1, reached by one inactive connection. */
    Lab overload(String name) {
        ConnectionCounters c = counters.get(name);
        c.thresholds(1, 0);
        c.bindConnection(true);
        return this;
    }

    String name(Destination d) {
        return d == null ? "-" : names.get(d.server().withWeight(0));
    }

    String pick(FlowKey flow) {
        return name(scheduler.pick(flow));
    }

    List<String> picks(int n) {
        FlowKey flow = new FlowKey();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pick(flow));
        }
        return out;
    }

    static FlowKey from(String source) {
        return new FlowKey().of(6, ip(source), 40000, ip("192.0.2.1"), 80);
    }

    static FlowKey to(String destination) {
        return new FlowKey().of(6, ip("198.18.0.1"), 40000, ip(destination), 80);
    }
}
