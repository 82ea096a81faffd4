package io.lvs4j.core.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Everything one sync record says, as plain values, to write through {@link SyncMessageWriter}
 * and to compare with what {@link SyncMessageReader} hands out.
 */
record SyncRecordData(boolean ipv6, int protocol, int flags, int state, int clientPort, int virtualPort,
        int destinationPort, int fwmark, long timeoutSeconds, byte[] client, byte[] virtual, byte[] destination,
        int[] sequence, byte[] peData, String peName) {

    /** An IPv4 record without options. */
    static SyncRecordData ipv4(int protocol, int flags, int state, String client, int clientPort, String virtual,
            int virtualPort, String destination, int destinationPort, long timeout) {
        return new SyncRecordData(false, protocol, flags, state, clientPort, virtualPort, destinationPort, 0, timeout,
                address(client), address(virtual), address(destination), null, null, null);
    }

    /** An IPv6 record without options. */
    static SyncRecordData ipv6(int protocol, int flags, int state, String client, int clientPort, String virtual,
            int virtualPort, String destination, int destinationPort, long timeout) {
        return new SyncRecordData(true, protocol, flags, state, clientPort, virtualPort, destinationPort, 0, timeout,
                address(client), address(virtual), address(destination), null, null, null);
    }

    SyncRecordData withFwmark(int mark) {
        return new SyncRecordData(ipv6, protocol, flags, state, clientPort, virtualPort, destinationPort, mark,
                timeoutSeconds, client, virtual, destination, sequence, peData, peName);
    }

    SyncRecordData withSequence(int inInit, int inDelta, int inPrevious, int outInit, int outDelta, int outPrevious) {
        return new SyncRecordData(ipv6, protocol, flags, state, clientPort, virtualPort, destinationPort, fwmark,
                timeoutSeconds, client, virtual, destination,
                new int[] {inInit, inDelta, inPrevious, outInit, outDelta, outPrevious}, peData, peName);
    }

    SyncRecordData withPersistence(byte[] data, String name) {
        return new SyncRecordData(ipv6, protocol, flags, state, clientPort, virtualPort, destinationPort, fwmark,
                timeoutSeconds, client, virtual, destination, sequence, data, name);
    }

    static byte[] address(String text) {
        try {
            return java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Writes this record as the next one of a writer. */
    void writeTo(SyncMessageWriter writer) {
        int dataLength = peData == null ? 0 : peData.length;
        int nameLength = peName == null ? 0 : peName.length();
        SyncConnection c = writer.add(ipv6, sequence != null, dataLength, nameLength);
        c.protocol(protocol).flags(flags).state(state).clientPort(clientPort).virtualPort(virtualPort)
                .destinationPort(destinationPort).fwmark(fwmark).timeoutSeconds(timeoutSeconds)
                .clientAddress(MemorySegment.ofArray(client), 0)
                .virtualAddress(MemorySegment.ofArray(virtual), 0)
                .destinationAddress(MemorySegment.ofArray(destination), 0);
        if (sequence != null) {
            writer.sequenceData().in(sequence[0], sequence[1], sequence[2]).out(sequence[3], sequence[4], sequence[5]);
        }
        if (dataLength > 0) {
            writer.peData(MemorySegment.ofArray(peData), 0);
        }
        if (nameLength > 0) {
            writer.peName(peName);
        }
    }

    /** Copies what a reader hands out. */
    static SyncRecordData of(SyncConnection c, SyncRecordOptions o) {
        int length = c.addressLength();
        int[] sequence = null;
        if (o.hasSequenceData()) {
            SyncSequenceData s = o.sequenceData();
            sequence = new int[] {s.inInitSeq(), s.inDelta(), s.inPreviousDelta(), s.outInitSeq(), s.outDelta(),
                s.outPreviousDelta()};
        }
        byte[] data = null;
        if (o.peDataLength() > 0) {
            data = o.segment().asSlice(o.peDataOffset(), o.peDataLength()).toArray(ValueLayout.JAVA_BYTE);
        }
        return new SyncRecordData(c.ipv6(), c.protocol(), c.flags(), c.state(), c.clientPort(), c.virtualPort(),
                c.destinationPort(), c.fwmark(), c.timeoutSeconds(),
                c.segment().asSlice(c.clientAddressOffset(), length).toArray(ValueLayout.JAVA_BYTE),
                c.segment().asSlice(c.virtualAddressOffset(), length).toArray(ValueLayout.JAVA_BYTE),
                c.segment().asSlice(c.destinationAddressOffset(), length).toArray(ValueLayout.JAVA_BYTE),
                sequence, data, o.peNameLength() > 0 ? o.peName() : null);
    }

    /** The record's size as the kernel computes it. */
    int length() {
        return SyncConnection.length(ipv6, sequence != null, peData == null ? 0 : peData.length,
                peName == null ? 0 : peName.length());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncRecordData o && ipv6 == o.ipv6 && protocol == o.protocol && flags == o.flags
                && state == o.state && clientPort == o.clientPort && virtualPort == o.virtualPort
                && destinationPort == o.destinationPort && fwmark == o.fwmark && timeoutSeconds == o.timeoutSeconds
                && Arrays.equals(client, o.client) && Arrays.equals(virtual, o.virtual)
                && Arrays.equals(destination, o.destination) && Arrays.equals(sequence, o.sequence)
                && Arrays.equals(peData, o.peData) && java.util.Objects.equals(peName, o.peName);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(client) * 31 + clientPort;
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return (ipv6 ? "v6" : "v4") + " proto=" + protocol + " flags=0x" + Integer.toHexString(flags) + " state=" + state
                + " " + hex.formatHex(client) + ":" + clientPort + " -> " + hex.formatHex(virtual) + ":" + virtualPort
                + " -> " + hex.formatHex(destination) + ":" + destinationPort + " fwmark=" + fwmark + " timeout="
                + timeoutSeconds + " seq=" + Arrays.toString(sequence)
                + " pe=" + (peData == null ? "-" : hex.formatHex(peData)) + "/" + peName;
    }
}
