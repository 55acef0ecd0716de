package io.walferry.cli;

import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.SourceEnvironment;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --target URL}, the target server, falling back on {@code WALFERRY_TARGET}. Same forms and
 * password sources as {@code --source}; the value is never echoed.
 */
final class TargetOption {
    static final String ENVIRONMENT_VARIABLE = "WALFERRY_TARGET";

    @Option(names = "--target", paramLabel = "URL",
            description = {"Target server, in the same forms as --source.",
                    "Default: the " + ENVIRONMENT_VARIABLE + " environment variable, else target: in the --config"
                            + " file."})
    String target;

    ConnectionSpec resolve(CommandSpec command, SourceEnvironment environment) {
        String text = target != null ? target : environment.variable(ENVIRONMENT_VARIABLE);
        if (text == null) {
            throw new ParameterException(command.commandLine(), "no target given: pass --target URL, set "
                    + ENVIRONMENT_VARIABLE + ", or put target: in the --config file (for example postgresql://app@db2:5432/shop)");
        }
        return ConnectionStrings.parse(text, environment);
    }
}
