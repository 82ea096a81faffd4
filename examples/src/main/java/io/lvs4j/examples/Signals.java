package io.lvs4j.examples;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Handles a Unix signal in place of the JVM's default: {@code HUP}, which would shut the JVM
 * down, becomes a reload; {@code TERM} and {@code INT} become a clean stop after which the
 * process exits 0 (the JVM's own handling ends it with 143 or 130, which a service manager
 * reports as a failure).
 *
 * <p>Through {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported for exactly this
 * use), reached reflectively because javac warns about it with no way to suppress the warning.
 * The handler runs on a thread the JVM starts for each signal; it must hand the work over and
 * return.
 *
 * <p>A signal the process inherited as ignored (a director started under {@code nohup}, or in the
 * background of a non-interactive shell, which ignores {@code INT}) is first set back to its
 * default: the JVM silently refuses to handle an ignored signal, and {@code ./lvs4j reload} would
 * then do nothing. nginx and keepalived likewise install their handlers whatever they inherited.
 */
final class Signals {

    private Signals() {
    }

    /**
     * Handles a signal.
     *
     * @param name the signal's name without {@code SIG}: {@code HUP}, {@code TERM}, {@code INT}
     * @param action what to do, on the JVM's signal thread
     * @throws IllegalStateException if the JVM offers no signal handling (or not for this signal)
     */
    static void handle(String name, Runnable action) {
        try {
            restoreDefault(number(name));
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
                    new Invocation(action));
            Object sig = signal.getConstructor(String.class).newInstance(name);
            signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
        }
    }

    private static int number(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException("not a signal lvs4j handles: SIG" + name);
        };
    }

    /** Sets a signal's disposition back to {@code SIG_DFL} with libc's {@code signal(2)}. */
    @SuppressWarnings("restricted")
    private static void restoreDefault(int signal) {
        Linker linker = Linker.nativeLinker();
        MethodHandle call = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MemorySegment previous;
        try {
            previous = (MemorySegment) call.invokeExact(signal, MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("signal(" + signal + ") failed", e);
        }
        if (previous.address() == -1L) {
            throw new IllegalStateException("signal(" + signal + ", SIG_DFL) was refused");
        }
    }

    /** The handler's one method runs the action; the proxy's {@code Object} methods answer as an object's. */
    private record Invocation(Runnable action) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "handle" -> {
                    action.run();
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "lvs4j signal handler";
                default -> null;
            };
        }
    }
}
