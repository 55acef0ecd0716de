package io.walferry.engine.source;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a connection string falls back on: environment variables ({@code PGHOST}, {@code PGPASSWORD},
 * {@code PGPASSFILE}, ...), the home directory that holds {@code .pgpass}, and the operating-system
 * user name that libpq uses when no user is given. A value, so tests can pass their own.
 *
 * @param variables     environment variables
 * @param homeDirectory the user's home directory
 * @param osUserName    the operating-system user name
 */
public record SourceEnvironment(Map<String, String> variables, Path homeDirectory, String osUserName) {
    public SourceEnvironment {
        variables = Map.copyOf(variables);
    }

    /** The environment of this process; the home directory is {@code $HOME} when set, as libpq takes it. */
    public static SourceEnvironment system() {
        String home = System.getenv("HOME");
        return new SourceEnvironment(System.getenv(),
                Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home),
                System.getProperty("user.name"));
    }

    /** The variable's value, or {@code null} when it is unset or empty (libpq treats both alike). */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
