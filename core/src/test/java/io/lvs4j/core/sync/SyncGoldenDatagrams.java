package io.lvs4j.core.sync;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Sync datagrams written out byte by byte from the kernel's structures (Linux
 * {@code net/netfilter/ipvs/ip_vs_sync.c}: {@code struct ip_vs_sync_mesg},
 * {@code struct ip_vs_sync_v4}, {@code struct ip_vs_sync_v6}, the options and the 4-byte padding
 * before each record but the first), with the records they carry. All multi-byte fields are
 * big-endian. Sync id 7 throughout.
 */
final class SyncGoldenDatagrams {

    private SyncGoldenDatagrams() {
    }

    /** Concatenates hex strings; spaces are ignored. */
    static byte[] bytes(String... hex) {
        return HexFormat.of().parseHex(String.join("", hex).replace(" ", ""));
    }

    /** One IPv4 TCP connection, direct routing, established, no options: 8 + 36 bytes. */
    static final byte[] IPV4_DR = bytes(
            // struct ip_vs_sync_mesg
            "00",          // reserved, 0 in version 1
            "07",          // syncid 7
            "002C",        // size 44: the whole datagram
            "01",          // nr_conns 1
            "01",          // version 1
            "0000",        // spare
            // struct ip_vs_sync_v4 at offset 8
            "00",          // type 0: IPv4
            "06",          // protocol TCP
            "0024",        // ver_size: version 0, size 36
            "00000083",    // flags: IP_VS_CONN_F_DROUTE (3) | IP_VS_CONN_F_NOOUTPUT (0x80)
            "0001",        // state IP_VS_TCP_S_ESTABLISHED
            "9C40",        // cport 40000
            "0050",        // vport 80
            "0050",        // dport 80
            "00000000",    // fwmark none
            "00000384",    // timeout 900 s
            "C6120001",    // caddr 198.18.0.1
            "C6120064",    // vaddr 198.18.0.100
            "C612010B");   // daddr 198.18.1.11

    /** The record of {@link #IPV4_DR}. */
    static final List<SyncRecordData> IPV4_DR_RECORDS = List.of(
            SyncRecordData.ipv4(6, 0x83, 1, "198.18.0.1", 40000, "198.18.0.100", 80, "198.18.1.11", 80, 900));

    /**
     * An IPv4 NAT connection with the sequence option (62 bytes, so 2 bytes of padding follow),
     * then a UDP connection: 8 + 62 + 2 + 36 bytes.
     */
    static final byte[] IPV4_NAT_SEQUENCE_THEN_UDP = bytes(
            // struct ip_vs_sync_mesg
            "00", "07",
            "006C",        // size 108
            "02",          // nr_conns 2
            "01", "0000",
            // first record, struct ip_vs_sync_v4 at offset 8
            "00", "06",
            "003E",        // size 62: 36 + option header 2 + 24
            "00000600",    // flags: IP_VS_CONN_F_MASQ (0) | IP_VS_CONN_F_OUT_SEQ | IP_VS_CONN_F_IN_SEQ
            "0001",        // ESTABLISHED
            "9C41",        // cport 40001
            "0015",        // vport 21 (FTP)
            "0849",        // dport 2121
            "00000000",    // fwmark
            "00000384",    // timeout 900 s
            "C6120002",    // caddr 198.18.0.2
            "C6120064",    // vaddr 198.18.0.100
            "C612010C",    // daddr 198.18.1.12
            // option at offset 8 + 36 = 44
            "01",          // IPVS_OPT_SEQ_DATA
            "18",          // length 24: struct ip_vs_sync_conn_options
            "11111111",    // in_seq.init_seq
            "00000004",    // in_seq.delta 4
            "00000000",    // in_seq.previous_delta
            "22222222",    // out_seq.init_seq
            "FFFFFFFC",    // out_seq.delta -4
            "00000000",    // out_seq.previous_delta
            "0000",        // padding: 8 + 62 = 70 rounded up to 72
            // second record, struct ip_vs_sync_v4 at offset 72
            "00",
            "11",          // protocol UDP
            "0024",        // size 36
            "00000000",    // flags: IP_VS_CONN_F_MASQ
            "0000",        // state IP_VS_UDP_S_NORMAL
            "14E9",        // cport 5353
            "0035",        // vport 53
            "0035",        // dport 53
            "00000000",
            "0000012C",    // timeout 300 s
            "C6120003",    // caddr 198.18.0.3
            "C6120064",    // vaddr 198.18.0.100
            "C612010D");   // daddr 198.18.1.13

    /** The records of {@link #IPV4_NAT_SEQUENCE_THEN_UDP}. */
    static final List<SyncRecordData> IPV4_NAT_SEQUENCE_THEN_UDP_RECORDS = List.of(
            SyncRecordData.ipv4(6, 0x600, 1, "198.18.0.2", 40001, "198.18.0.100", 21, "198.18.1.12", 2121, 900)
                    .withSequence(0x11111111, 4, 0, 0x22222222, -4, 0),
            SyncRecordData.ipv4(17, 0, 0, "198.18.0.3", 5353, "198.18.0.100", 53, "198.18.1.13", 53, 300));

    /**
     * Two IPv6 records: a DR connection with a firewall mark, then a NAT connection with the
     * sequence option (98 bytes, last, so unpadded): 8 + 72 + 98 bytes.
     */
    static final byte[] IPV6_DR_THEN_NAT_SEQUENCE = bytes(
            // struct ip_vs_sync_mesg
            "00", "07",
            "00B2",        // size 178
            "02", "01", "0000",
            // struct ip_vs_sync_v6 at offset 8
            "01",          // type: STYPE_F_INET6
            "06",          // TCP
            "0048",        // size 72
            "00000083",    // DROUTE | NOOUTPUT
            "0001",        // ESTABLISHED
            "9C40", "0050", "0050",
            "00000007",    // fwmark 7
            "00000384",    // 900 s
            "20010DB8000000000000000000000001",   // caddr 2001:db8::1
            "20010DB8000000000000000000000100",   // vaddr 2001:db8::100
            "20010DB800010000000000000000000B",   // daddr 2001:db8:1::b
            // struct ip_vs_sync_v6 at offset 80 (72 is a multiple of 4: no padding)
            "01", "06",
            "0062",        // size 98: 72 + 26
            "00000600",    // MASQ | OUT_SEQ | IN_SEQ
            "0007",        // state IP_VS_TCP_S_CLOSE_WAIT
            "9C42", "0015", "0015",
            "00000000",
            "0000003C",    // 60 s
            "20010DB8000000000000000000000002",   // caddr 2001:db8::2
            "20010DB8000000000000000000000100",   // vaddr 2001:db8::100
            "20010DB800010000000000000000000C",   // daddr 2001:db8:1::c
            "01", "18",    // IPVS_OPT_SEQ_DATA, 24
            "00000064", "00000002", "00000001",   // in_seq 100, delta 2, previous 1
            "000000C8", "FFFFFFFE", "FFFFFFFF");  // out_seq 200, delta -2, previous -1

    /** The records of {@link #IPV6_DR_THEN_NAT_SEQUENCE}. */
    static final List<SyncRecordData> IPV6_DR_THEN_NAT_SEQUENCE_RECORDS = List.of(
            SyncRecordData.ipv6(6, 0x83, 1, "2001:db8::1", 40000, "2001:db8::100", 80, "2001:db8:1::b", 80, 900)
                    .withFwmark(7),
            SyncRecordData.ipv6(6, 0x600, 7, "2001:db8::2", 40002, "2001:db8::100", 21, "2001:db8:1::c", 21, 60)
                    .withSequence(100, 2, 1, 200, -2, -1));

    /**
     * Two persistence templates: one of the SIP persistence engine with its Call-ID as PE data
     * (57 bytes, so 3 bytes of padding follow), then a plain one of a TCP service: 8 + 57 + 3 + 36
     * bytes.
     */
    static final byte[] TEMPLATES_SIP_THEN_TCP = bytes(
            // struct ip_vs_sync_mesg
            "00", "07",
            "0068",        // size 104
            "02", "01", "0000",
            // struct ip_vs_sync_v4 at offset 8
            "00",
            "11",          // UDP (SIP)
            "0039",        // size 57: 36 + (2 + 14) + (2 + 3)
            "00001003",    // IP_VS_CONN_F_TEMPLATE | DROUTE
            "0000",        // IP_VS_CTPL_S_NONE
            "0000",        // cport 0: a template
            "13C4",        // vport 5060
            "13C4",        // dport 5060
            "00000000",
            "0000012C",    // 300 s: the persistence timeout
            "C6120004",    // caddr 198.18.0.4
            "C6120064",    // vaddr
            "C612010E",    // daddr 198.18.1.14
            "02",          // IPVS_OPT_PE_DATA
            "0E",          // 14 bytes
            "6138346234633736653636373130",   // "a84b4c76e66710", the Call-ID
            "03",          // IPVS_OPT_PE_NAME
            "03",          // 3 bytes
            "736970",      // "sip"
            "000000",      // padding: 8 + 57 = 65 rounded up to 68
            // struct ip_vs_sync_v4 at offset 68
            "00", "06", "0024",
            "00001083",    // TEMPLATE | NOOUTPUT | DROUTE
            "0001",        // IP_VS_CTPL_S_ASSURED
            "0000",        // cport 0
            "01BB", "01BB",   // vport, dport 443
            "00000000",
            "00000168",    // 360 s
            "C6120000",    // caddr 198.18.0.0 (the client's network under the persistence mask)
            "C6120064",
            "C612010F");   // daddr 198.18.1.15

    /** The records of {@link #TEMPLATES_SIP_THEN_TCP}. */
    static final List<SyncRecordData> TEMPLATES_SIP_THEN_TCP_RECORDS = List.of(
            SyncRecordData.ipv4(17, 0x1003, 0, "198.18.0.4", 0, "198.18.0.100", 5060, "198.18.1.14", 5060, 300)
                    .withPersistence("a84b4c76e66710".getBytes(StandardCharsets.US_ASCII), "sip"),
            SyncRecordData.ipv4(6, 0x1083, 1, "198.18.0.0", 0, "198.18.0.100", 443, "198.18.1.15", 443, 360));

    /** Every golden datagram. */
    static final List<byte[]> ALL = List.of(IPV4_DR, IPV4_NAT_SEQUENCE_THEN_UDP, IPV6_DR_THEN_NAT_SEQUENCE,
            TEMPLATES_SIP_THEN_TCP);

    /** The records of each of {@link #ALL}, in the same order. */
    static final List<List<SyncRecordData>> ALL_RECORDS = List.of(IPV4_DR_RECORDS, IPV4_NAT_SEQUENCE_THEN_UDP_RECORDS,
            IPV6_DR_THEN_NAT_SEQUENCE_RECORDS, TEMPLATES_SIP_THEN_TCP_RECORDS);
}
