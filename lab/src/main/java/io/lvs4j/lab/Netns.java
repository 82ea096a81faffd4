package io.lvs4j.lab;

import io.lvs4j.lab.internal.SetNs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named network namespace (as {@code ip netns} makes them), created with a unique random tag
 * in its name and deleted on {@link #close()} or, failing that, when the JVM exits; whatever
 * still runs in it is killed first.
 *
 * <p>Commands run inside it with {@link #exec}; JVM code runs inside it with {@link #call} or on
 * the threads of {@link #threadFactory()}: such a thread enters the namespace with
 * {@code setns(2)} before it runs anything, so every socket it creates (a Netty channel, a raw
 * socket) belongs to the namespace. Thread-safe.
 */
public final class Netns implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final Thread shutdownHook;
    private final List<ExecutorService> executors = new ArrayList<>();
    private final AtomicInteger threads = new AtomicInteger();
    private boolean closed;

    private Netns(String name) {
        this.name = name;
        this.shutdownHook = new Thread(() -> delete(name), "netns-cleanup-" + name);
    }

    /**
     * Makes a short random tag (6 hex digits) for names that must not collide with those of
     * tests running at the same time.
     *
     * @return the tag
     */
    public static String randomTag() {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Creates a namespace named {@code lvs4j-<role>-<tag>} with its loopback up.
     *
     * @param role what the namespace is for, such as {@code client}
     * @param tag the lab's random tag
     * @return the namespace
     */
    public static Netns create(String role, String tag) {
        String name = "lvs4j-" + role + "-" + tag;
        Command.run("ip", "netns", "add", name).check();
        Netns ns = new Netns(name);
        Runtime.getRuntime().addShutdownHook(ns.shutdownHook);
        try {
            ns.exec("ip", "link", "set", "lo", "up").check();
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** @return the namespace name */
    public String name() {
        return name;
    }

    /**
     * Runs a command inside the namespace.
     *
     * @param command the program and its arguments
     * @return the result, whatever the exit code
     */
    public Command.Result exec(String... command) {
        return exec(Command.DEFAULT_TIMEOUT, command);
    }

    /**
     * Runs a command inside the namespace with a time limit.
     *
     * @param timeout the time limit
     * @param command the program and its arguments
     * @return the result, whatever the exit code
     */
    public Command.Result exec(Duration timeout, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(List.of(command));
        return Command.run(timeout, line);
    }

    /**
     * Starts a long-running command inside the namespace; the caller stops it.
     *
     * @param builder the process to start; its command is prefixed with {@code ip netns exec}
     * @return the process
     */
    public Process start(ProcessBuilder builder) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(builder.command());
        try {
            return builder.command(line).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + line, e);
        }
    }

    /**
     * Creates threads that enter this namespace before running their task.
     *
     * @return the thread factory
     */
    public ThreadFactory threadFactory() {
        return task -> {
            Thread thread = new Thread(() -> {
                try {
                    SetNs.enter(path());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                task.run();
            }, name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs JVM code on a fresh thread inside the namespace and waits for its result.
     *
     * @param task the code
     * @param <T> the result type
     * @return what the task returned
     * @throws Exception what the task threw
     */
    public <T> T call(Callable<T> task) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(threadFactory());
        try {
            return executor.submit(task).get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Returns a single-thread executor inside the namespace, shut down when the namespace closes.
     *
     * @return the executor
     */
    public synchronized ExecutorService executor() {
        ExecutorService executor = Executors.newSingleThreadExecutor(threadFactory());
        executors.add(executor);
        return executor;
    }

    /** @return the namespace file that {@code setns(2)} opens */
    public String path() {
        return "/run/netns/" + name;
    }

    /** Deletes the namespace (and with it its interfaces); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        executors.forEach(ExecutorService::shutdownNow);
        delete(name);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyExiting) {
            // the hook is running or about to; deleting twice is harmless
        }
    }

    /**
     * Kills what still runs in the namespace, then deletes it: deleting alone leaves its processes
     * running, detached (an nginx or FRR daemon of a test whose JVM was stopped mid-way).
     */
    private static void delete(String name) {
        for (String pid : Command.run("ip", "netns", "pids", name).stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                Command.run("kill", "-KILL", pid);
            }
        }
        Command.run("ip", "netns", "del", name);
    }

    @Override
    public String toString() {
        return name;
    }
}
