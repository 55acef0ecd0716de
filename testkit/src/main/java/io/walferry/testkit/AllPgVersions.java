package io.walferry.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a {@code @ParameterizedTest} once per major version the run covers
 * ({@link TestPostgres#versions()}), passing the version as an {@code int}:
 * <pre>{@code
 * @ParameterizedTest(name = "PostgreSQL {0}")
 * @AllPgVersions
 * void shouldReplicate(int version) throws Exception {
 *     PgServer server = TestPostgres.server(version);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ArgumentsSource(AllPgVersionsProvider.class)
public @interface AllPgVersions {
}
