package io.lvs4j.core.check;

import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.RealServer;
import java.util.ArrayList;
import java.util.List;

/**
 * The health checking of one virtual service: its servers' checks, keepalived's {@code quorum}
 * and {@code hysteresis}, the {@code sorry_server} and the quorum scripts.
 *
 * <p>A quorum of 0 is taken as 1: quorum is always lost when no weight is live. Quorum is the sum of the weights of the live servers. It is gained when the sum reaches
 * {@code quorum + hysteresis} and lost when it falls below {@code quorum - hysteresis} (or to
 * 0). While quorum is lost, the sorry server (if any) is the only server in the service.
 *
 * @param servers the real servers and their checks
 * @param quorum the smallest live weight for the service to be up (keepalived's default: 1)
 * @param hysteresis the margin around the quorum
 * @param sorryServer the server that takes all traffic while quorum is lost, or null
 * @param sorryInhibit keep the sorry server at weight 0 instead of removing it while quorum holds
 * @param quorumUp {@code quorum_up} command, empty for none
 * @param quorumDown {@code quorum_down} command, empty for none
 * @param omega {@code omega}: at shutdown, run the live servers' {@code notify_down} and
 *     {@code quorum_down}, as keepalived does
 * @param haSuspend {@code ha_suspend}: suspend the checkers while the director does not hold
 *     the service's VIP
 */
public record ServiceChecks(List<ServerChecks> servers, int quorum, int hysteresis, RealServer sorryServer,
        boolean sorryInhibit, List<String> quorumUp, List<String> quorumDown, boolean omega, boolean haSuspend) {

    /**
     * Copies and checks the values.
     *
     * @throws IllegalArgumentException if quorum or hysteresis is negative, or two servers share
     *     an endpoint
     */
    public ServiceChecks {
        servers = List.copyOf(servers);
        quorumUp = List.copyOf(quorumUp);
        quorumDown = List.copyOf(quorumDown);
        if (quorum < 0 || hysteresis < 0) {
            throw new IllegalArgumentException("quorum and hysteresis must not be negative");
        }
        for (int i = 0; i < servers.size(); i++) {
            for (int j = i + 1; j < servers.size(); j++) {
                if (servers.get(i).server().sameEndpoint(servers.get(j).server())) {
                    throw new IllegalArgumentException("real server " + servers.get(i).server().endpoint() + " twice");
                }
            }
        }
    }

    /**
     * The checks a {@code virtual_server} block describes: its real servers' checkers, quorum,
     * hysteresis, sorry server, quorum scripts, {@code omega} and {@code ha_suspend}.
     *
     * @param vs the virtual server's block
     * @return the checks
     */
    public static ServiceChecks from(VirtualServerConfig vs) {
        List<ServerChecks> servers = new ArrayList<>();
        for (RealServerConfig rs : vs.realServers()) {
            servers.add(ServerChecks.from(rs, vs));
        }
        RealServer sorry = null;
        boolean inhibit = false;
        if (vs.sorryServer().isPresent()) {
            SorryServerConfig s = vs.sorryServer().get();
            sorry = new RealServer(s.address(), s.port() != 0 ? s.port() : vs.port(), 1, 0, 0,
                    s.forwarding().orElse(vs.forwarding()));
            inhibit = s.inhibit();
        }
        return new ServiceChecks(servers, vs.quorum(), vs.hysteresis(), sorry, inhibit,
                ServerChecks.words(vs.quorumUp()), ServerChecks.words(vs.quorumDown()), vs.omega(), vs.haSuspend());
    }

    /**
     * @param servers the real servers and their checks
     * @return checks with keepalived's defaults: quorum 1, no hysteresis, no sorry server, no
     *     omega, no ha_suspend
     */
    public static ServiceChecks of(List<ServerChecks> servers) {
        return new ServiceChecks(servers, 1, 0, null, false, List.of(), List.of(), false, false);
    }

    /**
     * @param newQuorum the quorum
     * @param newHysteresis the hysteresis
     * @return these checks with another quorum
     */
    public ServiceChecks withQuorum(int newQuorum, int newHysteresis) {
        return new ServiceChecks(servers, newQuorum, newHysteresis, sorryServer, sorryInhibit, quorumUp, quorumDown,
                omega, haSuspend);
    }

    /**
     * @param sorry the sorry server, or null
     * @return these checks with another sorry server
     */
    public ServiceChecks withSorryServer(RealServer sorry) {
        return new ServiceChecks(servers, quorum, hysteresis, sorry, sorryInhibit, quorumUp, quorumDown, omega,
                haSuspend);
    }

    /**
     * @param up the {@code quorum_up} command
     * @param down the {@code quorum_down} command
     * @return these checks with other quorum scripts
     */
    public ServiceChecks withQuorumScripts(List<String> up, List<String> down) {
        return new ServiceChecks(servers, quorum, hysteresis, sorryServer, sorryInhibit, up, down, omega, haSuspend);
    }

    /**
     * @param on {@code omega}
     * @return these checks with another {@code omega}
     */
    public ServiceChecks withOmega(boolean on) {
        return new ServiceChecks(servers, quorum, hysteresis, sorryServer, sorryInhibit, quorumUp, quorumDown, on,
                haSuspend);
    }

    /**
     * @param on {@code ha_suspend}
     * @return these checks with another {@code ha_suspend}
     */
    public ServiceChecks withHaSuspend(boolean on) {
        return new ServiceChecks(servers, quorum, hysteresis, sorryServer, sorryInhibit, quorumUp, quorumDown, omega,
                on);
    }
}
