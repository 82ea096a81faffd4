package io.lvs4j.core.check;

import io.lvs4j.core.model.RealServer;
import java.util.List;

/**
 * The health checking of one virtual service: its servers' checks, keepalived's {@code quorum}
 * and {@code hysteresis}, the {@code sorry_server} and the quorum scripts.
 *
 * <p>Quorum is the sum of the weights of the live servers. It is gained when the sum reaches
 * {@code quorum + hysteresis} and lost when it falls below {@code quorum - hysteresis} (or to
 * 0). While quorum is lost, the sorry server (if any) is the only server in the service.
 *
 * @param servers the real servers and their checks
 * @param quorum the smallest live weight for the service to be up (keepalived's default: 1)
 * @param hysteresis the margin around the quorum
 * @param sorryServer the server that takes all traffic while quorum is lost, or null
 * @param quorumUp {@code quorum_up} command, empty for none
 * @param quorumDown {@code quorum_down} command, empty for none
 */
public record ServiceChecks(List<ServerChecks> servers, int quorum, int hysteresis, RealServer sorryServer,
        List<String> quorumUp, List<String> quorumDown) {

    /**
     * Copies and checks the values.
     *
     * @throws IllegalArgumentException if quorum is below 1, hysteresis negative, or two servers share
     *     an endpoint
     */
    public ServiceChecks {
        servers = List.copyOf(servers);
        quorumUp = List.copyOf(quorumUp);
        quorumDown = List.copyOf(quorumDown);
        if (quorum < 1 || hysteresis < 0) {
            throw new IllegalArgumentException("quorum must be 1 or more and hysteresis not negative");
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
     * @param servers the real servers and their checks
     * @return checks with keepalived's defaults: quorum 1, no hysteresis, no sorry server
     */
    public static ServiceChecks of(List<ServerChecks> servers) {
        return new ServiceChecks(servers, 1, 0, null, List.of(), List.of());
    }

    /**
     * @param newQuorum the quorum
     * @param newHysteresis the hysteresis
     * @return these checks with another quorum
     */
    public ServiceChecks withQuorum(int newQuorum, int newHysteresis) {
        return new ServiceChecks(servers, newQuorum, newHysteresis, sorryServer, quorumUp, quorumDown);
    }

    /**
     * @param sorry the sorry server, or null
     * @return these checks with another sorry server
     */
    public ServiceChecks withSorryServer(RealServer sorry) {
        return new ServiceChecks(servers, quorum, hysteresis, sorry, quorumUp, quorumDown);
    }

    /**
     * @param up the {@code quorum_up} command
     * @param down the {@code quorum_down} command
     * @return these checks with other quorum scripts
     */
    public ServiceChecks withQuorumScripts(List<String> up, List<String> down) {
        return new ServiceChecks(servers, quorum, hysteresis, sorryServer, up, down);
    }
}
