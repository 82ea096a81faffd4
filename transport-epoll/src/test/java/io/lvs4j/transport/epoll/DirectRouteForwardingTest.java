package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;

/** {@link ForwardingSuite} through direct routing: only the MAC addresses change. */
class DirectRouteForwardingTest extends ForwardingSuite {

    @Override
    Forwarding forwarding() {
        return Forwarding.directRoute();
    }

    @Override
    int serverPort() {
        return 80;
    }

    @Override
    String destinationAtServer() {
        return VIP;
    }

    @Override
    String sourceAtServer() {
        return CLIENT;
    }

    @Override
    boolean seesReplies() {
        return false;
    }

    @Override
    DirectorCounter icmpToServerCounter() {
        return DirectorCounter.ICMP_RELAYED;
    }
}
