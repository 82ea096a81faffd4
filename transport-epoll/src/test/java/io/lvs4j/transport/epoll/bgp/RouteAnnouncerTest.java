package io.lvs4j.transport.epoll.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.status.AnnouncementStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The announcer's decisions, checked one {@code check()} at a time against a recording speaker:
 * announce while the director can serve, withdraw when it cannot or is drained, withdraw all
 * when the daemon dies and announce again once it runs.
 */
class RouteAnnouncerTest {

    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.10");
    private static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8:0:0:0:0:0:10");

    /** Records what it was told; its daemon runs until {@link #die()}. */
    private static final class RecordingSpeaker implements RouteSpeaker {
        final List<String> calls = new ArrayList<>();
        boolean running;
        int starts;
        boolean failStart;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public void start() throws IOException {
            if (failStart) {
                throw new IOException("refused");
            }
            starts++;
            running = true;
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public void announce(InetAddress vip) {
            calls.add("announce " + Prefixes.of(vip));
        }

        @Override
        public void withdraw(InetAddress vip) {
            calls.add("withdraw " + Prefixes.of(vip));
        }

        @Override
        public List<AnnouncementStatus.Peer> peers() {
            return List.of(new AnnouncementStatus.Peer("198.18.0.1", "Established"));
        }

        @Override
        public void stop() {
            running = false;
            calls.add("stop");
        }

        void die() {
            running = false;
        }
    }

    private final RecordingSpeaker speaker = new RecordingSpeaker();
    private final Map<InetAddress, String> why = new HashMap<>();
    private final RouteAnnouncer announcer = new RouteAnnouncer(speaker, List.of(VIP, VIP6, VIP), why::get);

    private RouteAnnouncer started() throws IOException {
        speaker.start();
        announcer.check();
        return announcer;
    }

    @Test
    void shouldAnnounceEachVipOnceWhileItCanBeServed() throws IOException {
        started();
        announcer.check();
        assertEquals(List.of("announce 198.18.0.10/32", "announce 2001:db8::10/128"), speaker.calls);
        AnnouncementStatus s = announcer.status();
        assertTrue(s.announced() && s.daemonRunning() && !s.drained(), s.toString());
        assertEquals(new AnnouncementStatus.Route("198.18.0.10/32", true, "serving", 1), s.routes().getFirst());
        assertEquals(List.of(new AnnouncementStatus.Peer("198.18.0.1", "Established")), s.peers());
    }

    @Test
    void shouldWithdrawAVipThatCannotBeServedAndAnnounceItWhenItCanAgain() throws IOException {
        started();
        why.put(VIP6, "no real server");
        announcer.check();
        assertEquals("withdraw 2001:db8::10/128", speaker.calls.getLast());
        assertEquals(new AnnouncementStatus.Route("2001:db8::10/128", false, "no real server", 2),
                announcer.status().routes().get(1));
        assertTrue(announcer.status().routes().getFirst().announced(), "the other VIP stays");
        why.remove(VIP6);
        announcer.check();
        assertEquals("announce 2001:db8::10/128", speaker.calls.getLast());
        assertEquals(4, speaker.calls.size());
    }

    @Test
    void shouldWithdrawEverythingWhileDrainedAndAnnounceAgainAfter() throws Exception {
        started();
        announcer.drain(true).get();
        assertEquals(List.of("withdraw 198.18.0.10/32", "withdraw 2001:db8::10/128"), speaker.calls.subList(2, 4));
        AnnouncementStatus drained = announcer.status();
        assertTrue(drained.drained() && !drained.announced(), drained.toString());
        assertEquals("drained", drained.routes().getFirst().reason());
        announcer.drain(false).get();
        assertEquals(List.of("announce 198.18.0.10/32", "announce 2001:db8::10/128"), speaker.calls.subList(4, 6));
        assertTrue(announcer.status().announced());
        announcer.close();
    }

    @Test
    void shouldCountADeadDaemonAsWithdrawnAndAnnounceAgainOnceRestarted() throws IOException {
        started();
        speaker.die();
        speaker.failStart = true;
        announcer.check();
        AnnouncementStatus down = announcer.status();
        assertFalse(down.daemonRunning(), down.toString());
        assertEquals("daemon down", down.routes().getFirst().reason());
        assertFalse(down.routes().getFirst().announced());
        assertEquals(List.of(), down.peers());
        speaker.failStart = false;
        announcer.check(); // within the restart delay: not tried again yet
        assertEquals(1, speaker.starts);
    }

    @Test
    void shouldRestartADeadDaemonAndAnnounceAgainAtOnce() throws IOException {
        started();
        speaker.die();
        announcer.check();
        assertEquals(2, speaker.starts, "started again in the same check");
        assertEquals(List.of("announce 198.18.0.10/32", "announce 2001:db8::10/128"), speaker.calls.subList(2, 4),
                "a fresh daemon announces nothing until told");
        assertTrue(announcer.status().announced());
    }

    @Test
    void shouldWithdrawAndStopTheDaemonOnClose() throws IOException {
        started();
        announcer.close();
        assertEquals(List.of("withdraw 198.18.0.10/32", "withdraw 2001:db8::10/128", "stop"), speaker.calls.subList(2, 5));
        assertEquals("stopped", announcer.status().routes().getFirst().reason());
    }
}
