package io.lvs4j.transport.epoll.internal;

import java.util.Arrays;

/**
 * The classic BPF socket filter of a marked packet socket: it keeps the packets whose firewall
 * mark ({@code skb->mark}, read with the ancillary load {@code SKF_AD_OFF + SKF_AD_MARK}) is one
 * of the director's fwmark services' marks and drops every other before it is queued, so the
 * socket copies no frame the director would not serve. Immutable.
 */
public final class MarkFilter {

    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int RET_K = 0x06;
    /** {@code SKF_AD_OFF + SKF_AD_MARK} ({@code SKF_AD_MARK} is 20; 8 is the interface index). */
    private static final int AD_MARK = -0x1000 + 20;
    /** The bytes of a kept packet: all of it. */
    private static final int KEEP = -1;
    /** The most marks one program tests: a conditional jump reaches 255 instructions ahead. */
    public static final int MAX_MARKS = 255;

    private MarkFilter() {
    }

    /**
     * Builds the program as {@code struct sock_filter} fields, one row per instruction:
     * {@code {code, jt, jf, k}}.
     *
     * @param marks the marks to keep, each above 0 (none: the socket keeps nothing)
     * @return the instructions
     * @throws IllegalArgumentException if there are more than {@link #MAX_MARKS} marks or one is
     *     not above 0
     */
    public static int[][] program(int[] marks) {
        int[] distinct = Arrays.stream(marks).distinct().toArray();
        if (distinct.length > MAX_MARKS) {
            throw new IllegalArgumentException("at most " + MAX_MARKS + " firewall marks: " + distinct.length);
        }
        int n = distinct.length;
        int[][] program = new int[n + 3][];
        program[0] = new int[] {LD_W_ABS, 0, 0, AD_MARK};
        for (int i = 0; i < n; i++) {
            if (distinct[i] <= 0) {
                throw new IllegalArgumentException("a firewall mark is above 0: " + distinct[i]);
            }
            program[1 + i] = new int[] {JEQ_K, n - i, 0, distinct[i]}; // equal: to the last instruction
        }
        program[n + 1] = new int[] {RET_K, 0, 0, 0};
        program[n + 2] = new int[] {RET_K, 0, 0, KEEP};
        return program;
    }
}
