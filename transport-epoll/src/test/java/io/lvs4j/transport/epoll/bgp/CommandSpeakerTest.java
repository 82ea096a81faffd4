package io.lvs4j.transport.epoll.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.Script;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Another daemon driven by commands: its child runs until stopped; each change runs its command with the VIP filled in. */
class CommandSpeakerTest {

    @TempDir
    Path dir;

    private CommandSpeaker speaker(String announce) {
        Path log = dir.resolve("rib");
        return new CommandSpeaker(BgpConfig.builder().runDirectory(dir.resolve("run"))
                .daemonCommand(Script.of("/bin/sleep 300"))
                .announceCommand(Script.of(announce.replace("LOG", log.toString())))
                .withdrawCommand(Script.of("/bin/sh -c 'echo del $0 $1 >> " + log + "' %prefix% %family%")).build());
    }

    @Test
    void shouldRunTheDaemonAndOneCommandPerChange() throws IOException {
        CommandSpeaker s = speaker("/bin/sh -c 'echo add $0 $1 >> LOG' %prefix% %family%");
        s.start();
        assertTrue(s.running());
        assertEquals("sleep", s.name());
        s.announce(InetAddress.ofLiteral("198.18.0.10"));
        s.announce(InetAddress.ofLiteral("2001:db8::10"));
        s.withdraw(InetAddress.ofLiteral("198.18.0.10"));
        assertEquals(List.of("add 198.18.0.10/32 ipv4", "add 2001:db8::10/128 ipv6", "del 198.18.0.10/32 ipv4"),
                Files.readAllLines(dir.resolve("rib")));
        assertEquals(List.of(), s.peers());
        s.stop();
        assertFalse(s.running());
    }

    @Test
    void shouldReportACommandThatFails() throws IOException {
        CommandSpeaker s = speaker("/bin/sh -c 'echo refused; exit 3'");
        s.start();
        IOException e = assertThrows(IOException.class, () -> s.announce(InetAddress.ofLiteral("198.18.0.10")));
        assertTrue(e.getMessage().contains("exited with 3: refused"), e.getMessage());
        s.stop();
    }
}
