package io.walferry.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The source and target major versions of the {@link PgPair} that {@link PostgresExtension}
 * injects, e.g. {@code @PgPairVersions(source = 14, target = 17)}. Looked up like
 * {@link PgVersion}; without it, or for an attribute left at {@link #NEWEST}, the newest
 * version of the run.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface PgPairVersions {

    /** Stands for the newest version the run covers. */
    int NEWEST = 0;

    /** Major version of the source server. */
    int source() default NEWEST;

    /** Major version of the target server. */
    int target() default NEWEST;
}
