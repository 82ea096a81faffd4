/** VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798): codec and clock-driven state machine. */
module io.lvs4j.vrrp {
    requires transitive io.lvs4j.core;
    requires org.slf4j;

    exports io.lvs4j.vrrp;
}
