package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;
import io.lvs4j.lab.NamedHttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * nginx in a lab host on one port of IPv4 and IPv6: {@code /} answers the server's name,
 * {@code /big.bin} a file of seeded random bytes whose SHA-256 is {@link #sha256()}. Close it
 * to stop nginx and delete its directory.
 */
final class DownloadServer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final String sha256;

    private DownloadServer(Process process, Path dir, String sha256) {
        this.process = process;
        this.dir = dir;
        this.sha256 = sha256;
    }

    /**
     * Starts nginx and waits until it listens.
     *
     * @param host the lab host
     * @param name the name {@code /} answers
     * @param port the port
     * @param bytes the size of {@code /big.bin}
     * @param seed the seed of its contents (one seed, one file, on every server)
     * @return the server
     */
    static DownloadServer start(Host host, String name, int port, int bytes, long seed) throws IOException {
        Path dir = Files.createTempDirectory("lvs4j-download-" + name + "-");
        byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        Files.write(dir.resolve("big.bin"), data);
        String d = dir.toAbsolutePath().toString();
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process on;
                worker_processes 1;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen %3$d;
                        listen [::]:%3$d;
                        root %1$s;
                        location = / {
                            default_type text/plain;
                            return 200 "%2$s\\n";
                        }
                    }
                }
                """.formatted(d, name, port));
        ProcessBuilder builder = new ProcessBuilder(List.of("nginx", "-p", d, "-c", d + "/nginx.conf", "-e",
                d + "/error.log")).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        DownloadServer server = new DownloadServer(host.netns().start(builder), dir, digest(data));
        try {
            NamedHttpServer.awaitListening(host.netns(), port, Duration.ofSeconds(20));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String digest(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the SHA-256 of {@code /big.bin}, in hex */
    String sha256() {
        return sha256;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
