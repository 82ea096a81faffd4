package io.lvs4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared defaults of every lvs4j benchmark: average time per operation in nanoseconds,
 * one fork with a fixed heap (and JMH's use of {@code sun.misc.Unsafe} allowed quietly), 3 warm-up and 5 measured iterations of one second, one state
 * per thread. A benchmark class extends it and overrides only what it must (a table build
 * reports microseconds); the command line of JMH overrides it all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public abstract class AbstractBenchmark {

    /** For subclasses. */
    protected AbstractBenchmark() {
    }
}
