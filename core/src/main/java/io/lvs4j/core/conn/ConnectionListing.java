package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Copies a table's entries out as {@link ConnectionEntry} objects, the way {@code ipvsadm -Lnc}
 * lists them, and answers requests for such copies from other threads at the owning loop's
 * next {@link ConnectionTable#expire()}, so that each copy is consistent. Control plane: it
 * allocates.
 *
 * <p>Thread-safe to {@link #request()}; everything else on the table's owning thread.
 */
final class ConnectionListing {

    private final ConcurrentLinkedQueue<CompletableFuture<List<ConnectionEntry>>> requests =
            new ConcurrentLinkedQueue<>();

    /** @return a future the owning thread completes at its next {@link #answer} */
    CompletableFuture<List<ConnectionEntry>> request() {
        CompletableFuture<List<ConnectionEntry>> future = new CompletableFuture<>();
        requests.add(future);
        return future;
    }

    /**
     * Answers every pending request with one copy of the table.
     *
     * @param table the table, on its owning thread
     */
    void answer(ConnectionTable table) {
        if (requests.isEmpty()) {
            return;
        }
        CompletableFuture<List<ConnectionEntry>> request;
        List<ConnectionEntry> listing = null;
        while ((request = requests.poll()) != null) {
            if (listing == null) {
                listing = List.copyOf(copy(table));
            }
            request.complete(listing);
        }
    }

    /**
     * Copies every entry of a table now.
     *
     * @param table the table, on its owning thread
     * @return the entries in record order
     */
    static List<ConnectionEntry> copy(ConnectionTable table) {
        List<ConnectionEntry> out = new ArrayList<>();
        MemorySegment memory = table.memory();
        int bytes = table.ipv6() ? 16 : 4;
        for (int e = table.nextEntry(ConnectionTable.MISS); e != ConnectionTable.MISS; e = table.nextEntry(e)) {
            boolean template = (table.flags(e) & ConnectionTable.FLAG_TEMPLATE) != 0;
            out.add(new ConnectionEntry(table.protocol(e), address(memory, table.clientAddressOffset(e), bytes),
                    table.clientPort(e), address(memory, table.virtualAddressOffset(e), bytes), table.virtualPort(e),
                    address(memory, table.destinationAddressOffset(e), bytes), table.destinationPort(e),
                    table.destination(e), table.state(e), table.deadline(e) - table.now(), template,
                    table.controlledConnections(e)));
        }
        return out;
    }

    private static InetAddress address(MemorySegment memory, long at, int bytes) {
        try {
            return InetAddress.getByAddress(memory.asSlice(at, bytes).toArray(ValueLayout.JAVA_BYTE));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
