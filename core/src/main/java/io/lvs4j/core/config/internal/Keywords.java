package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keepalived keywords lvs4j reads but does not act on, by block, and the handling of
 * keywords that are unknown or unsupported: an unsupported keyword is a warning (its block, if
 * any, is skipped); an unknown one is an error, with a suggestion when it looks like a typo.
 */
public final class Keywords {

    /** Top-level blocks and keywords. */
    public static final Set<String> ROOT = Set.of("linkbeat_use_polling", "net_namespace", "net_namespace_ipvs",
            "namespace_with_ipsets", "use_pid_dir", "instance", "child_wait_time", "track_group",
            "static_ipaddress", "static_routes", "static_rules", "garp_group", "linkbeat_interfaces",
            "vrrp_track_process", "interface_up_down_delays", "SSL", "track_file",
            "vrrp_track_file", "bfd_instance");

    /** {@code global_defs}. */
    public static final Set<String> GLOBAL_DEFS = Set.of("process_names", "process_name", "vrrp_process_name",
            "checker_process_name", "lvs_process_name", "bfd_process_name", "use_symlink_paths",
            "set_supplementary_groups", "notification_email_from", "smtp_server", "smtp_helo_name",
            "smtp_connect_timeout", "notification_email", "smtp_alert", "startup_script", "startup_script_timeout",
            "shutdown_script", "shutdown_script_timeout", "max_auto_priority", "min_auto_priority_delay",
            "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures", "dynamic_interfaces",
            "no_email_faults", "default_interface", "disable_local_igmp", "v3_checksum_as_v2", "lvs_timeouts",
            "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "vrrp_mcast_group4",
            "vrrp_mcast_group6", "vrrp_down_timer_adverts", "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl",
            "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert", "vrrp_iptables", "vrrp_ipsets",
            "nftables", "nftables_priority", "nftables_ifindex", "vrrp_check_unicast_src", "vrrp_priority",
            "vrrp_no_swap", "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime",
            "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "nftables_counters",
            "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script",
            "vrrp_notify_priority_changes", "fifo_write_vrrp_states_on_reload", "lvs_notify_fifo",
            "lvs_notify_fifo_script", "checker_priority", "checker_no_swap", "checker_rt_priority",
            "checker_cpu_affinity", "checker_rlimit_rttime", "checker_rlimit_rtime", "bfd_priority", "bfd_no_swap",
            "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime", "bfd_rlimit_rtime", "snmp_socket",
            "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2",
            "enable_snmp_rfcv3", "enable_snmp_checker", "snmp_vs_stats_update_interval",
            "snmp_rs_stats_update_interval", "enable_dbus", "dbus_service_name", "dbus_no_interface_name",
            "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
            "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
            "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails", "vrrp_rx_bufs_policy",
            "vrrp_rx_bufs_multiplier", "vrrp_startup_delay", "vrrp_delay_after_boot", "log_unknown_vrids",
            "vrrp_owner_ignore_adverts", "vmac_prefix", "vmac_addr_prefix", "umask", "random_seed",
            "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check",
            "config_save_dir", "tmp_config_directory", "data_use_instance", "json_version", "iproute_usr_dir",
            "iproute_etc_dir", "state_dump_file", "stats_dump_file", "json_dump_file");

    /** {@code vrrp_instance}. */
    public static final Set<String> VRRP_INSTANCE = Set.of("use_vmac", "use_vmac_addr", "vmac_xmit_base",
            "use_ipvlan", "unicast_fault_no_peer", "check_unicast_src", "old_unicast_checksum", "native_ipv6",
            "vrf", "track_file", "track_process", "track_bfd", "mcast_dst_ip", "track_src_ip", "unicast_ttl",
            "no_virtual_ipaddress", "promote_secondaries", "linkbeat_use_polling", "v3_checksum_as_v2",
            "virtual_routes", "virtual_rules", "accept", "no_accept", "debug", "notify_deleted",
            "notify_master_rx_lower_pri", "smtp_alert", "notify_priority_changes", "lvs_sync_daemon_interface",
            "down_timer_adverts", "timer_expired_backup", "thread_timer_expired", "garp_extra_if",
            "vmac_garp_intvl", "lower_prio_no_advert", "higher_prio_send_advert", "owner_ignore_adverts",
            "kernel_rx_buf_size", "auth_hmac");

    /** {@code vrrp_sync_group}. */
    public static final Set<String> VRRP_SYNC_GROUP = Set.of("track_file", "track_process", "track_bfd",
            "smtp_alert", "global_tracking", "sync_group_tracking_weight", "notify_priority_changes");

    /** {@code vrrp_script}: every keyword is supported. */
    public static final Set<String> VRRP_SCRIPT = Set.of();

    /** {@code virtual_server} ({@code syn_proxy} is DPVS's). */
    public static final Set<String> VIRTUAL_SERVER = Set.of("ip_family", "hashed", "persistence_engine",
            "smtp_alert", "snmp_name", "weight", "syn_proxy");

    /** {@code real_server}, including the checkers lvs4j does not run. */
    public static final Set<String> REAL_SERVER = Set.of("smtp_alert", "snmp_name", "SMTP_CHECK", "PING_CHECK",
            "BFD_CHECK", "FILE_CHECK");

    /** Options every checker block has. */
    public static final Set<String> CHECKER = Set.of("bind_if", "fwmark", "log_all_failures");

    /** {@code HTTP_GET} and {@code SSL_GET}. */
    public static final Set<String> HTTP_GET = Set.of("bind_if", "fwmark", "log_all_failures", "tls_compliant");

    /** {@code url} of {@code HTTP_GET}. */
    public static final Set<String> URL = Set.of("regex", "regex_no_match", "regex_options", "regex_min_offset",
            "regex_max_offset", "regex_stack", "tls_compliant");

    private Keywords() {
    }

    /**
     * Handles a keyword no reader took: a warning if keepalived has it, else an error.
     *
     * @param s the statement
     * @param block the block's name, for messages
     * @param unsupported keepalived's keywords there that lvs4j ignores
     * @param supported the keywords lvs4j reads there, for suggestions
     * @param diagnostics where the warning goes
     * @throws ConfigException if keepalived has no such keyword there either
     */
    public static void other(Statement s, String block, Set<String> unsupported, Set<String> supported,
            Diagnostics diagnostics) throws ConfigException {
        if (unsupported.contains(s.name())) {
            diagnostics.warn(s.position(), "'" + s.name() + "' in " + block + " is not supported by lvs4j; ignored"
                    + (s.block() != null ? " with its block" : ""));
            return;
        }
        Set<String> all = new TreeSet<>(supported);
        all.addAll(unsupported);
        String suggestion = closest(s.name(), all);
        throw new ConfigException(s.position(), "unknown keyword '" + s.name() + "' in " + block
                + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : ""));
    }

    private static String closest(String word, Set<String> candidates) {
        String best = null;
        int bestDistance = Math.max(1, Math.min(3, word.length() / 3)) + 1;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
