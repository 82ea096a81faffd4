package io.lvs4j.core.conn;

/** Which way a packet of a connection travels, as IPVS's state tables distinguish them. */
public enum PacketDirection {
    /** From the client to the virtual service. */
    INPUT,
    /** From the real server back to the client (seen by NAT directors only). */
    OUTPUT
}
