package io.lvs4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The longest pause of a download across a failover, as the failover tests measure it. */
final class DownloadStalls {

    private DownloadStalls() {
    }

    /** Measures the longest time the download's file did not grow, until curl ends. */
    static void watch(Path out, Process download, AtomicLong longest) {
        long size = -1;
        long since = System.nanoTime();
        while (download.isAlive()) {
            try {
                long now = Files.size(out);
                long t = System.nanoTime();
                if (now != size) {
                    longest.accumulateAndGet(t - since, Math::max);
                    size = now;
                    since = t;
                }
                Thread.sleep(20);
            } catch (Exception e) {
                return;
            }
        }
    }
}
