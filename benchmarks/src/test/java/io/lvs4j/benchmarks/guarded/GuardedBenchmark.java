package io.lvs4j.benchmarks.guarded;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;

/** Benchmarks for the allocation guard's own test: one hot path allocates, one does not. */
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "--sun-misc-unsafe-memory-access=allow"})
public class GuardedBenchmark extends AbstractBenchmark {

    private int counter;
    private Object escaped;

    @Benchmark
    @HotPath
    public Object allocates() {
        escaped = new int[] {counter++};
        return escaped;
    }

    @Benchmark
    @HotPath
    public int clean() {
        return counter++;
    }

    @Benchmark
    public Object allocatesOffThePath() {
        escaped = new long[] {counter++};
        return escaped;
    }
}
