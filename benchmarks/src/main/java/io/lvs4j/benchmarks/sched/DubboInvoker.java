package io.lvs4j.benchmarks.sched;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;

/**
 * The least a Dubbo provider needs to be balanced: its URL (address, weight). Calling it
 * echoes the first argument, without any network.
 */
final class DubboInvoker implements Invoker<DubboInvoker.Echo> {

    /** The service interface the providers offer. */
    interface Echo {
        /**
         * Echoes a key.
         *
         * @param key a client key
         * @return the key
         */
        String pick(String key);
    }

    private final URL url;

    DubboInvoker(URL url) {
        this.url = url;
    }

    @Override
    public Class<Echo> getInterface() {
        return Echo.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
        Object[] arguments = invocation.getArguments();
        return AsyncRpcResult.newDefaultAsyncResult(arguments.length > 0 ? arguments[0] : null, invocation);
    }

    @Override
    public URL getUrl() {
        return url;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public void destroy() {
        // Holds nothing to release.
    }
}
