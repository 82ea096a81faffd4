package io.lvs4j.benchmarks.sched;

import io.lvs4j.benchmarks.AbstractBenchmark;
import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.RpcStatus;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RoundRobinLoadBalance;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The peer: Apache Dubbo's {@code RoundRobinLoadBalance} (smooth weighted round-robin, the
 * equivalent of {@code wrr}), {@code LeastActiveLoadBalance} (the equivalent of {@code wlc})
 * and {@code ConsistentHashLoadBalance} (the equivalent of a Maglev lookup), over the same
 * servers as {@link SchedulerPickBenchmark}: weights 1 to 4, and each server's active calls
 * set to its active connections there. Consistent hashing gets the next of 1024 client keys
 * on each call.
 */
public class DubboLoadBalanceBenchmark extends AbstractBenchmark {

    private static final String METHOD = "pick";
    private static final int KEYS = 1024;

    /** Dubbo's name of the balancer. */
    @Param({RoundRobinLoadBalance.NAME, LeastActiveLoadBalance.NAME, ConsistentHashLoadBalance.NAME})
    public String balancer;

    /** How many providers. */
    @Param({"2", "16", "256"})
    public int servers;

    private LoadBalance loadBalance;
    private final List<Invoker<DubboInvoker.Echo>> invokers = new ArrayList<>();
    private final Invocation[] invocations = new Invocation[KEYS];
    private URL consumer;
    private int next;

    /** Creates the benchmark; JMH fills the parameters. */
    public DubboLoadBalanceBenchmark() {
    }

    /** Makes the invokers, the invocations and the active counts. */
    @Setup
    public void setUp() {
        loadBalance = switch (balancer) {
            case RoundRobinLoadBalance.NAME -> new RoundRobinLoadBalance();
            case LeastActiveLoadBalance.NAME -> new LeastActiveLoadBalance();
            case ConsistentHashLoadBalance.NAME -> new ConsistentHashLoadBalance();
            default -> throw new IllegalArgumentException("unknown balancer " + balancer);
        };
        consumer = URL.valueOf("consumer://198.19.0.1/" + DubboInvoker.Echo.class.getName());
        for (int i = 0; i < servers; i++) {
            URL url = URL.valueOf("dubbo://" + Servers.address(i).getHostAddress() + ":20880/"
                    + DubboInvoker.Echo.class.getName() + "?weight=" + Servers.weight(i));
            invokers.add(new DubboInvoker(url));
            for (int c = 0; c < Servers.active(i); c++) {
                RpcStatus.beginCount(url, METHOD);
            }
        }
        for (int k = 0; k < KEYS; k++) {
            RpcInvocation invocation = new RpcInvocation();
            invocation.setMethodName(METHOD);
            invocation.setServiceName(DubboInvoker.Echo.class.getName());
            invocation.setParameterTypes(new Class<?>[] {String.class});
            invocation.setArguments(new Object[] {"198.19." + (k >>> 8) + "." + (k & 0xFF)});
            invocations[k] = invocation;
        }
        if (select() == null) {
            throw new IllegalStateException(balancer + " selected no invoker");
        }
    }

    /** Forgets the active counts, which Dubbo keeps in a static map. */
    @TearDown
    public void tearDown() {
        for (Invoker<DubboInvoker.Echo> invoker : invokers) {
            RpcStatus.removeStatus(invoker.getUrl());
            RpcStatus.removeStatus(invoker.getUrl(), METHOD);
        }
    }

    /**
     * Selects the provider of the next call.
     *
     * @return the invoker
     */
    @Benchmark
    public Invoker<DubboInvoker.Echo> select() {
        return loadBalance.select(invokers, consumer, invocations[next++ & (KEYS - 1)]);
    }
}
