package io.walferry.testkit;

import java.lang.annotation.Annotation;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * Injects {@link PgServer} and {@link PgPair} parameters into test constructors, test
 * methods and lifecycle methods, from {@link TestPostgres}:
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class SlotIT {
 *     @Test
 *     void shouldCreateSlot(@PgVersion(14) PgServer server) { ... }
 *
 *     @Test
 *     @PgPairVersions(source = 14, target = 17)
 *     void shouldMigrate(PgPair pair) { ... }
 * }
 * }</pre>
 * Versions come from {@link PgVersion} and {@link PgPairVersions} on the parameter, then the
 * method or constructor, then the test class and its enclosing classes; by default the
 * newest version of the run. When the run cannot provide the server (version not covered, no
 * Docker, no external target), the injected object skips the test on first use.
 */
public final class PostgresExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == PgServer.class || type == PgPair.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == PgServer.class) {
            int version = find(PgVersion.class, parameterContext, extensionContext)
                .map(PgVersion::value)
                .orElseGet(TestPostgres::newestVersion);
            return obtain(() -> TestPostgres.server(version));
        }
        Optional<PgPairVersions> versions = find(PgPairVersions.class, parameterContext, extensionContext);
        int source = versions.map(PgPairVersions::source).orElse(PgPairVersions.NEWEST);
        int target = versions.map(PgPairVersions::target).orElse(PgPairVersions.NEWEST);
        return obtainPair(orNewest(source), orNewest(target));
    }

    /**
     * JUnit reports an exception thrown while resolving a parameter as a failure, even a
     * {@link TestAbortedException}; so an unavailable server becomes an object that aborts
     * the test when used, which JUnit reports as skipped.
     */
    private static PgServer obtain(Supplier<PgServer> server) {
        try {
            return server.get();
        } catch (TestAbortedException e) {
            return new UnavailablePgServer(e.getMessage());
        }
    }

    private static PgPair obtainPair(int sourceMajor, int targetMajor) {
        try {
            return TestPostgres.pair(sourceMajor, targetMajor);
        } catch (TestAbortedException e) {
            PgServer unavailable = new UnavailablePgServer(e.getMessage());
            return new PgPair(unavailable, unavailable);
        }
    }

    private static int orNewest(int major) {
        return major == PgPairVersions.NEWEST ? TestPostgres.newestVersion() : major;
    }

    /** The innermost annotation: parameter, executable, then the element of each enclosing context. */
    private static <A extends Annotation> Optional<A> find(Class<A> type, ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        Optional<A> annotation = parameterContext.findAnnotation(type)
            .or(() -> AnnotationSupport.findAnnotation(parameterContext.getDeclaringExecutable(), type));
        Optional<ExtensionContext> context = Optional.of(extensionContext);
        while (annotation.isEmpty() && context.isPresent()) {
            annotation = context.get().getElement().flatMap(element -> AnnotationSupport.findAnnotation(element, type));
            context = context.get().getParent();
        }
        return annotation;
    }
}
