package io.lvs4j.benchmarks;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The CI allocation guard: runs every benchmark marked {@link HotPath} briefly with JMH's GC
 * profiler, prints a table of time and bytes allocated per operation, and fails if any of them
 * allocates 1 byte per operation or more. Times are reported, never judged.
 *
 * <p>Exit codes: 0 when no hot path allocates, 1 when one does, 2 when no {@link HotPath}
 * benchmark is found or a benchmark fails to run. Run it from the benchmarks jar, with the JDK
 * the benchmarks are meant for: JMH forks that same JVM.
 */
public final class AllocationGuard {

    /** The smallest allocation per operation that fails the guard, in bytes. */
    public static final double LIMIT_BYTES = 1.0;

    /** The length of each of the 3 warm-up and 3 measured iterations of a guarded benchmark. */
    public static final TimeValue ITERATION = TimeValue.milliseconds(500);

    private AllocationGuard() {
    }

    /**
     * Runs the guard and exits with its verdict.
     *
     * @param args optional regular expressions; only {@link HotPath} benchmarks whose full name
     *     matches one of them run
     */
    public static void main(String[] args) {
        System.exit(run(System.out, Arrays.asList(args), ITERATION));
    }

    /**
     * Runs the guard.
     *
     * @param out where to print the progress and the table
     * @param filters regular expressions on the benchmark's full name; empty for all
     * @param iteration the length of each warm-up and measured iteration
     * @return the exit code: 0 pass, 1 allocation found, 2 nothing to check or a failed run
     */
    public static int run(PrintStream out, List<String> filters, TimeValue iteration) {
        List<String> hotPaths = hotPathBenchmarks(filters);
        if (hotPaths.isEmpty()) {
            out.println("guard-allocation: no @HotPath benchmark found");
            return 2;
        }
        // JMH refuses to run beside another JMH run on the machine (its lock file), for the sake of
        // timings; the guard judges bytes allocated per operation of its own threads, which another
        // run does not change, so it must not fail because of one.
        System.setProperty("jmh.ignoreLock", "true");
        List<RunResult> results = new ArrayList<>();
        for (String benchmark : hotPaths) {
            out.println("guard-allocation: " + benchmark);
            try {
                results.addAll(new Runner(options(benchmark, iteration)).run());
            } catch (RunnerException e) {
                out.println("guard-allocation: " + benchmark + " failed to run: " + rootCause(e));
                return 2;
            }
        }
        out.println();
        ResultTable.print(out, results);
        out.println();
        int failures = 0;
        for (RunResult result : results) {
            double allocated = ResultTable.allocation(result);
            if (Double.isNaN(allocated) || allocated >= LIMIT_BYTES) {
                failures++;
                String params = ResultTable.params(result.getParams());
                out.println("guard-allocation: ALLOCATES " + ResultTable.shortName(result.getParams())
                        + (params.isEmpty() ? "" : " [" + params + "]") + ": "
                        + String.format(Locale.ROOT, "%.2f", allocated) + " B/op");
            }
        }
        out.println("guard-allocation: " + results.size() + " hot-path runs of " + hotPaths.size()
                + " benchmarks, " + failures + " allocating (limit < " + LIMIT_BYTES + " B/op)");
        return failures == 0 ? 0 : 1;
    }

    /**
     * Finds the benchmarks whose method carries {@link HotPath}.
     *
     * @param filters regular expressions on the full name; empty for all
     * @return full names {@code package.Class.method}, sorted
     */
    static List<String> hotPathBenchmarks(List<String> filters) {
        SortedSet<BenchmarkListEntry> entries = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
                        filters.isEmpty() ? List.of(".*") : filters, List.of());
        List<String> names = new ArrayList<>();
        for (BenchmarkListEntry entry : entries) {
            String name = entry.getUsername();
            if (isHotPath(entry.getUserClassQName(), name.substring(name.lastIndexOf('.') + 1)) && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isHotPath(String className, String methodName) {
        try {
            Class<?> type = Class.forName(className, false, AllocationGuard.class.getClassLoader());
            for (Method method : type.getMethods()) {
                if (method.getName().equals(methodName) && method.isAnnotationPresent(HotPath.class)) {
                    return true;
                }
            }
            return false;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("benchmark class " + className + " is listed but missing", e);
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (true) {
            if (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            } else if (cause.getSuppressed().length > 0) {
                cause = cause.getSuppressed()[0];
            } else {
                return cause.toString();
            }
        }
    }

    private static Options options(String benchmark, TimeValue iteration) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark) + "$")
                .addProfiler(GCProfiler.class)
                .forks(1)
                .warmupIterations(3)
                .warmupTime(iteration)
                .measurementIterations(3)
                .measurementTime(iteration)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
    }
}
