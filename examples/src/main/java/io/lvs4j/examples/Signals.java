package io.lvs4j.examples;

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
