package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;

/**
 * Judges the replies to a DNS check's query, after Netty's response decoder, as keepalived's
 * {@code DNS_CHECK} does: a response with the query's ID decides by its RCODE, one with another
 * ID is ignored; a datagram the decoder cannot read fails the check (keepalived fails a reply
 * too short for a header), and so does an ICMP port unreachable.
 *
 * <p>Not thread-safe: one channel, one loop.
 */
final class DnsReply extends ChannelInboundHandlerAdapter {

    private final int id;
    private final CheckAttempt attempt;
    private final InetSocketAddress remote;

    /**
     * @param id the query's ID
     * @param attempt the attempt the reply completes
     * @param remote the server asked, for the messages
     */
    DnsReply(int id, CheckAttempt attempt, InetSocketAddress remote) {
        this.id = id;
        this.attempt = attempt;
        this.remote = remote;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramDnsResponse r && r.id() == id) {
                attempt.complete(r.code() == DnsResponseCode.NOERROR ? CheckResult.success()
                        : CheckResult.failure("DNS rcode " + r.code()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            attempt.complete(CheckResult.failure("ICMP port unreachable from " + remote));
        } else if (cause instanceof DecoderException) {
            Throwable why = cause.getCause() == null ? cause : cause.getCause();
            attempt.complete(CheckResult.failure("malformed DNS response from " + remote + ": " + why.getMessage()));
        } else {
            attempt.complete(CheckResult.failure("DNS check of " + remote + " failed: " + cause));
        }
    }
}
