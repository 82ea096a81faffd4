package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.TrackedInterface;

/**
 * The words of VRRP tracking ({@code reverse}, {@code track_interface} lines) and the warnings of
 * the VRRP keywords lvs4j reads but does not (fully) act on, so that {@code check-config} never
 * calls a configuration fine that will not behave as keepalived's would.
 */
final class NotActedOn {

    /** The warning of {@code vrrp_strict} and {@code strict_mode}. */
    static final String STRICT = "strict mode is read but only partly acted on: lvs4j sends no gratuitous ARPs"
            + " after a lower-priority advert, but it neither refuses unicast peers nor authentication, nor drops"
            + " traffic to the VIPs with firewall rules, as keepalived's strict mode does";

    /** The warning of a script's {@code weight N reverse}. */
    static final String REVERSE = "weight reverse is not supported by lvs4j: a tracked script with it is left out of"
            + " the priority";

    /** The warning of {@code vrrp_skip_check_adv_addr} and {@code skip_check_adv_addr}. */
    static final String SKIP_CHECK_ADV_ADDR = "skip_check_adv_addr is read but not acted on: lvs4j checks the"
            + " addresses of every advert and drops one whose list differs from the instance's";

    private NotActedOn() {
    }

    /** Reads a {@code track_interface} line, warning of a reversed weight, which lvs4j applies unreversed. */
    static TrackedInterface trackInterface(Statement line, Diagnostics diagnostics) throws ConfigException {
        line.noBlock();
        String name = line.keyword().text();
        if (line.args().isEmpty()) {
            return TrackedInterface.of(name);
        }
        Token w = line.args().getFirst();
        if (!w.text().equals("weight")) {
            throw new ConfigException(w.position(), "expected 'weight' after interface " + name + ", not "
                    + w.describe());
        }
        int weight = Values.integer(line.arg(1, "a weight -253..253"), "weight", -253, 253);
        line.maxArgs(3);
        boolean reverse = line.args().size() > 2 && reverse(line.args().get(2));
        if (reverse && weight != 0) {
            diagnostics.warn(line.args().get(2).position(), "track_interface " + name + " weight " + weight
                    + " reverse is not supported by lvs4j; the weight applies unreversed");
        }
        return new TrackedInterface(name, weight, reverse);
    }

    /** Reads {@code reverse} or {@code noreverse}. */
    static boolean reverse(Token t) throws ConfigException {
        return switch (t.text()) {
            case "reverse" -> true;
            case "noreverse" -> false;
            default -> throw new ConfigException(t.position(), "expected reverse or noreverse, not " + t.describe());
        };
    }
}
