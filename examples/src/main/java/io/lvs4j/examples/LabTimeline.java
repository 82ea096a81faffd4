package io.lvs4j.examples;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened in a run of {@code ./lvs4j lab}, on one time axis from the lab's start: its
 * steps, what it did to the directors (a link down, a SIGTERM), every request the client made
 * (answered by which real server, or failed) and each director's VRRP states, read from the
 * time-stamped lines its log holds. {@link TimelineSvg} draws it. Thread-safe.
 */
final class LabTimeline {

    /** A step of the lab began. */
    record Step(double at, int number, String title) {
    }

    /** The lab did something to a director. */
    record Mark(double at, String text) {
    }

    /** A request of the client: the real server that answered, or null if it failed. */
    record Request(double at, String answer) {
    }

    /** A director's VRRP instance entered a state. */
    record State(String director, double at, String state) {
    }

    /** Everything recorded, for drawing. */
    record Data(List<Step> steps, List<Mark> marks, List<Request> requests, List<State> states, double end) {
    }

    /**
     * slf4j-simple's line of a VRRP change, in keepalived's words:
     * {@code 12:00:03.600 [INFO] Instance - VRRP_Instance(VI_1) Entering MASTER STATE}, or
     * {@code ... VRRP_Instance(VI_1) Stopped} when the instance stops.
     */
    private static final Pattern CHANGE = Pattern.compile(
            "(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*VRRP_Instance\\(\\S+\\) (?:Entering (\\S+) STATE|Stopped)$");

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final LocalTime startWall;
    private final List<Step> steps = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<State> states = new ArrayList<>();

    /**
     * Starts the time axis now.
     *
     * @param nanoClock a monotonic clock
     * @param startWall the wall-clock time of day now, as the directors' logs write it
     */
    LabTimeline(LongSupplier nanoClock, LocalTime startWall) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.startWall = startWall;
    }

    private double now() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    synchronized void step(int number, String title) {
        steps.add(new Step(now(), number, title));
    }

    synchronized void mark(String text) {
        marks.add(new Mark(now(), text));
    }

    synchronized void request(String answer) {
        requests.add(new Request(now(), answer));
    }

    /**
     * Reads a director's VRRP changes from its log; the director starts in INIT at 0.
     *
     * @param director the director's name, such as {@code LVS1}
     * @param log its whole log
     */
    synchronized void directorLog(String director, String log) {
        states.add(new State(director, 0, "INIT"));
        Matcher m = CHANGE.matcher(log);
        while (m.find()) {
            double at = Duration.between(startWall, LocalTime.parse(m.group(1))).toNanos() / 1e9;
            if (at < -3600) {
                at += 24 * 3600; // the lab ran past midnight
            }
            states.add(new State(director, Math.max(0, at), m.group(2) == null ? "INIT" : m.group(2)));
        }
    }

    /** @return a copy of everything recorded, ending now */
    synchronized Data data() {
        return new Data(List.copyOf(steps), List.copyOf(marks), List.copyOf(requests), List.copyOf(states), now());
    }
}
