package io.walferry.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The PostgreSQL major version of the {@link PgServer} that {@link PostgresExtension} injects.
 * Looked up on the parameter, then the method or constructor, then the test class and its
 * enclosing classes; without it, the newest version of the run. When the run does not cover
 * the version, the test is skipped.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface PgVersion {

    /** Major version, e.g. 14. */
    int value();
}
