package io.lvs4j.transport.epoll.bgp;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.status.AnnouncementStatus;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another BGP daemon (GoBGP, BIRD, ...) driven by commands: {@code daemon_command} runs as the
 * director's child (it dies with the director), {@code announce_command} and
 * {@code withdraw_command} run once per change with {@code %prefix%}, {@code %address%} and
 * {@code %family%} replaced. Without {@code daemon_command} the daemon is someone else's, and
 * nothing withdraws the routes when the director dies but the commands' own daemon. Not
 * thread-safe: the announcer's thread calls it.
 */
final class CommandSpeaker implements RouteSpeaker {

    private static final long COMMAND_TIMEOUT_MILLIS = 10_000;

    private final BgpConfig config;
    private final Path dir;
    private ChildDaemon daemon;

    /**
     * Prepares the speaker; nothing runs before {@link #start()}.
     *
     * @param config the block, with its commands
     */
    CommandSpeaker(BgpConfig config) {
        this.config = config;
        this.dir = config.runDirectory();
    }

    @Override
    public String name() {
        return config.daemonCommand().map(s -> Path.of(s.words().getFirst()).getFileName().toString())
                .orElse("commands");
    }

    @Override
    public void start() throws IOException {
        stop();
        Files.createDirectories(dir);
        if (config.daemonCommand().isPresent()) {
            daemon = new ChildDaemon(name(), config.daemonCommand().get().words(), dir.resolve("daemon.out"));
            daemon.start();
        }
    }

    @Override
    public boolean running() {
        return daemon == null || daemon.alive();
    }

    @Override
    public void announce(InetAddress vip) throws IOException {
        run(config.announceCommand().orElseThrow(), vip);
    }

    @Override
    public void withdraw(InetAddress vip) throws IOException {
        run(config.withdrawCommand().orElseThrow(), vip);
    }

    /**
     * Replaces the placeholders in a command's words.
     *
     * @param script the command
     * @param vip the VIP
     * @return the words to run
     */
    static List<String> words(Script script, InetAddress vip) {
        String family = vip instanceof Inet4Address ? "ipv4" : "ipv6";
        return script.words().stream().map(w -> w.replace("%prefix%", Prefixes.of(vip))
                .replace("%address%", Prefixes.text(vip)).replace("%family%", family)).toList();
    }

    private void run(Script script, InetAddress vip) throws IOException {
        List<String> line = words(script, vip);
        Path out = dir.resolve("command.out");
        Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", line) + " did not end in " + COMMAND_TIMEOUT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + line, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", line) + " exited with " + p.exitValue() + ": "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public List<AnnouncementStatus.Peer> peers() {
        return List.of();
    }

    @Override
    public void stop() {
        if (daemon != null) {
            daemon.stop(5_000);
        }
    }
}
