package io.lvs4j.vrrp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the classic pcap format (magic a1b2c3d4, microseconds, any byte order). Test support. */
final class Pcap {

    /** One captured frame. */
    record Frame(long seconds, int micros, byte[] bytes) {
        int etherType() {
            return ((bytes[12] & 0xff) << 8) | (bytes[13] & 0xff);
        }

        /** @return the IP packet after the 14-byte Ethernet header */
        byte[] ipPacket() {
            return Arrays.copyOfRange(bytes, 14, bytes.length);
        }

        boolean isVrrpV4() {
            return etherType() == 0x0800 && bytes.length >= 34 && (bytes[14 + 9] & 0xff) == 112;
        }

        long timeMicros() {
            return seconds * 1_000_000 + micros;
        }
    }

    private Pcap() {
    }

    static List<Frame> read(String resource) {
        byte[] all;
        try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            all = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != 0xa1b2c3d4) {
            throw new IllegalArgumentException("not a microsecond pcap: " + Integer.toHexString(magic));
        }
        int linkType = b.getInt(20);
        if (linkType != 1) {
            throw new IllegalArgumentException("not Ethernet: " + linkType);
        }
        List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= all.length) {
            long sec = b.getInt(at) & 0xffffffffL;
            int usec = b.getInt(at + 4);
            int incl = b.getInt(at + 8);
            at += 16;
            frames.add(new Frame(sec, usec, Arrays.copyOfRange(all, at, at + incl)));
            at += incl;
        }
        return frames;
    }
}
