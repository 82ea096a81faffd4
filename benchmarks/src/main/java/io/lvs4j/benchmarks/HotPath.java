package io.lvs4j.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JMH benchmark method that measures lvs4j's hot path: the allocation guard run by CI
 * fails if such a benchmark allocates ({@code gc.alloc.rate.norm} of 1 byte per operation or
 * more). Benchmarks of peers and of control-plane work (table builds) do not carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HotPath {
}
