package io.lvs4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * nginx running in the foreground inside a lab host, answering every request with its name
 * (but those under {@code /files/}, served from {@link #files()}),
 * with its own configuration, pid file, logs and temporary directories in a fresh temporary
 * directory (deleted on close). Thread-safe.
 */
public final class NginxServer implements NamedHttpServer {

    private final String name;
    private final int port;
    private final Process process;
    private final Path dir;

    private NginxServer(String name, int port, Process process, Path dir) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    /** @return {@code true} if an {@code nginx} binary is installed */
    public static boolean isInstalled() {
        return Command.onPath("nginx");
    }

    /**
     * Starts nginx in a host's namespace; does not wait for it to listen.
     *
     * @param host the lab host
     * @param name the name to answer with (letters, digits, dashes)
     * @param port the port to listen on
     * @return the server
     * @throws IOException if its directory cannot be written
     */
    public static NginxServer start(Host host, String name, int port) throws IOException {
        if (!name.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("name must be letters, digits and dashes: " + name);
        }
        Path dir = Files.createTempDirectory("lvs4j-nginx-" + name + "-");
        String d = dir.toAbsolutePath().toString();
        String conf = """
                daemon off;
                master_process on;
                worker_processes 1;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    keepalive_requests 1000000;
                    server {
                        listen %2$d reuseport;
                        location / {
                            default_type text/plain;
                            return 200 "%3$s\\n";
                        }
                        location /files/ {
                            alias %1$s/files/;
                            default_type application/octet-stream;
                        }
                    }
                }
                """.formatted(d, port, name);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Files.createDirectories(dir.resolve("files"));
        ProcessBuilder builder = new ProcessBuilder(List.of("nginx", "-p", d, "-c", d + "/nginx.conf", "-e",
                d + "/error.log")).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        return new NginxServer(name, port, host.netns().start(builder), dir);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String kind() {
        return "nginx";
    }

    /** @return the directory holding the configuration, pid file and logs */
    public Path directory() {
        return dir;
    }

    /** @return the directory whose files nginx serves under {@code /files/} (for large downloads) */
    public Path files() {
        return dir.resolve("files");
    }

    @Override
    public void close() {
        // SIGTERM to the process we started (ip netns exec execs nginx, so it is the nginx master).
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
