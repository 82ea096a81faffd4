package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;

/** {@link ForwardingSuite} through NAT: destination address and port rewritten, replies back. */
class NatForwardingTest extends ForwardingSuite {

    @Override
    Forwarding forwarding() {
        return Forwarding.masquerade();
    }

    @Override
    int serverPort() {
        return 8080;
    }

    @Override
    String destinationAtServer() {
        return SERVER;
    }

    @Override
    String sourceAtServer() {
        return CLIENT;
    }

    @Override
    boolean seesReplies() {
        return true;
    }

    @Override
    DirectorCounter icmpToServerCounter() {
        return DirectorCounter.NAT_ICMP_TO_SERVER;
    }
}
