package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.transport.epoll.PacketDirector;

import java.util.Objects;

/** Something to do when an instance becomes master or leaves master; called on the loop. */
public interface MasterAction {
    /**
     * The instance is now master (its addresses are owned and announced).
     *
     * @param instance the instance
     */
    void becameMaster(VrrpInstanceConfig instance);

    /**
     * The instance left master (its addresses are released).
     *
     * @param instance the instance
     */
    void leftMaster(VrrpInstanceConfig instance);

    /**
     * Makes a director follow mastership, one instance at a time: while an instance is
     * master the director serves the instance's virtual addresses that are VIPs of its
     * services (ARP and Neighbor Discovery answers, announcements, forwarding), and stops
     * when the instance leaves master; two instances with different masters each bring
     * their own VIPs. Build the director {@code active(false)} and the router
     * {@code ownAddresses(false)}, so that the director alone answers for its VIPs.
     *
     * @param director a started director
     * @return the action
     */
    static MasterAction forwarding(PacketDirector director) {
        Objects.requireNonNull(director, "director");
        return new MasterAction() {
            @Override
            public void becameMaster(VrrpInstanceConfig instance) {
                serve(instance, true);
            }

            @Override
            public void leftMaster(VrrpInstanceConfig instance) {
                serve(instance, false);
            }

            private void serve(VrrpInstanceConfig instance, boolean on) {
                for (VirtualIpAddress vip : instance.virtualIpAddresses()) {
                    if (director.services().stream().anyMatch(vs -> vs.address().equals(vip.address()))) {
                        director.active(vip.address(), on);
                    }
                }
            }
        };
    }
}
