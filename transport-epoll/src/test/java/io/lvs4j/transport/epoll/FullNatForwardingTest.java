package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;

/** {@link ForwardingSuite} through full-NAT: both ends rewritten, from a local address. */
class FullNatForwardingTest extends ForwardingSuite {

    @Override
    Forwarding forwarding() {
        return Forwarding.fullNat();
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
        return LOCAL;
    }

    @Override
    boolean seesReplies() {
        return true;
    }

    @Override
    DirectorCounter icmpToServerCounter() {
        return DirectorCounter.FULL_NAT_ICMP_TO_SERVER;
    }
}
