package io.lvs4j.core.config.internal;

/**
 * The warnings of the VRRP keywords lvs4j reads but does not (fully) act on, so that
 * {@code check-config} never calls a configuration fine that will not behave as keepalived's would.
 */
final class NotActedOn {

    /** The warning of {@code vrrp_skip_check_adv_addr} and {@code skip_check_adv_addr}. */
    static final String SKIP_CHECK_ADV_ADDR = "skip_check_adv_addr is read but not acted on: lvs4j checks the"
            + " addresses of every advert and drops one whose list differs from the instance's";

    private NotActedOn() {
    }
}
