package io.walferry.cli;

import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.SourceEnvironment;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --source URL}, the source server, falling back on the {@code WALFERRY_SOURCE} environment
 * variable (and the configuration file: {@link io.walferry.cli.config.ConfigLayers} gives the option
 * those before the command runs; {@link #resolve} reads the variable itself too, from the command's
 * own environment, which tests choose). Mixed into every command that reads from a source. The value
 * is never echoed: it may hold a password.
 */
final class SourceOption {
    static final String ENVIRONMENT_VARIABLE = "WALFERRY_SOURCE";

    @Option(names = "--source", paramLabel = "URL",
            description = {"Source server: postgresql://user@host:port/dbname?sslmode=..., libpq key=value pairs"
                    + " (host=... dbname=...), or jdbc:postgresql://host:port/dbname.",
                    "Default: the " + ENVIRONMENT_VARIABLE + " environment variable, else source: in the --config"
                            + " file. The password comes from the URL, else PGPASSWORD, else ~/.pgpass (or PGPASSFILE)."})
    String source;

    /** The source's connection settings, or {@code null} when none is given (for commands where it is optional). */
    ConnectionSpec resolveIfGiven(SourceEnvironment environment) {
        String text = source != null ? source : environment.variable(ENVIRONMENT_VARIABLE);
        return text == null ? null : ConnectionStrings.parse(text, environment);
    }

    /** The source's connection settings, with the environment's defaults applied. */
    ConnectionSpec resolve(CommandSpec command, SourceEnvironment environment) {
        String text = source != null ? source : environment.variable(ENVIRONMENT_VARIABLE);
        if (text == null) {
            throw new ParameterException(command.commandLine(), "no source given: pass --source URL, set "
                    + ENVIRONMENT_VARIABLE + ", or put source: in the --config file (for example postgresql://app@db1:5432/shop)");
        }
        return ConnectionStrings.parse(text, environment);
    }
}
