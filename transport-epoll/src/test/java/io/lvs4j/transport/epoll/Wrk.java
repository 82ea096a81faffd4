package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (2 threads) in a lab host against one URL for a fixed time and reads its result.
 * With {@code keepAlive} false every request carries {@code Connection: close}, so the server
 * closes each connection and the rate is one of new connections.
 */
final class Wrk {

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /**
     * One wrk run.
     *
     * @param rate requests per second
     * @param requests requests completed
     * @param errors wrk's socket errors (connect, read, write, timeout) plus non-2xx responses
     */
    record Result(double rate, long requests, long errors) {
    }

    private Wrk() {
    }

    /**
     * Runs wrk once.
     *
     * @param client the host wrk runs in
     * @param url the URL
     * @param seconds how long
     * @param connections wrk's connections
     * @param keepAlive {@code false} to send {@code Connection: close}
     * @return the rate and the errors
     */
    static Result run(Host client, String url, int seconds, int connections, boolean keepAlive) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", "2", "-c", Integer.toString(connections),
                "-d", seconds + "s", "--timeout", "2s"));
        if (!keepAlive) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        return parse(client.netns().exec(Duration.ofSeconds(seconds + 30), command.toArray(String[]::new)).check()
                .stdout());
    }

    /**
     * Reads wrk's report.
     *
     * @param out what wrk printed
     * @return the rate, the requests and the errors
     * @throws IllegalStateException if the rate or the request count is missing
     */
    static Result parse(String out) {
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output: " + out);
        }
        long errors = 0;
        Matcher e = SOCKET_ERRORS.matcher(out);
        if (e.find()) {
            errors += Long.parseLong(e.group(1)) + Long.parseLong(e.group(2)) + Long.parseLong(e.group(3))
                    + Long.parseLong(e.group(4));
        }
        Matcher n = NON_2XX.matcher(out);
        if (n.find()) {
            errors += Long.parseLong(n.group(1));
        }
        Matcher r = REQUESTS.matcher(out);
        if (!r.find()) {
            throw new IllegalStateException("no request count in wrk output: " + out);
        }
        return new Result(Double.parseDouble(m.group(1)), Long.parseLong(r.group(1)), errors);
    }
}
