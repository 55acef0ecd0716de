package io.walferry.cli;

import io.walferry.applier.ApplyException;
import io.walferry.cli.config.ConfigLayers;
import io.walferry.decoder.DecodeException;
import io.walferry.engine.pipeline.ApplyFailedException;
import io.walferry.engine.EngineException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place where exceptions become exit codes and error messages. An error is printed to
 * standard error as one paragraph, {@code walferry peek: <what happened, to what, what to do>};
 * with {@code --verbose} the stack trace follows.
 */
final class ExitCodeMapper implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Invalid command lines: parsing errors, and those a command finds itself. */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + withOrigin(ex.getMessage(), command,
                ex.getArgSpec(), List.of(args)));
        if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    /** Exceptions thrown by a command's {@code call()}. */
    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        if (ex instanceof ParameterException) {
            return handleParseException((ParameterException) ex, parseResult.originalArgs().toArray(new String[0]));
        }
        int code = exitCode(ex);
        PrintWriter err = command.getErr();
        String prefix = command.getCommandSpec().qualifiedName() + ": ";
        if (code == ExitCodes.INTERNAL_ERROR) {
            err.println(prefix + "internal error: " + ex + ". This is a bug in walferry: please report it"
                    + (isVerbose(parseResult) ? " with the stack trace below." : "; run again with --verbose for the stack trace."));
        } else {
            String message = message(ex);
            err.println(prefix + (code == ExitCodes.USAGE
                    ? withOrigin(message, command, null, parseResult.originalArgs()) : message));
        }
        if (isVerbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * A usage error about an option whose value came from an environment variable or the configuration
     * file says which: the operator looks for the value there, not on the command line. The option is
     * the one picocli names, else the one the message starts with ({@code --jobs 0 is out of range}).
     */
    static String withOrigin(String message, CommandLine command, ArgSpec argument, List<String> args) {
        if (!(command.getDefaultValueProvider() instanceof ConfigLayers layers) || message == null) {
            return message;
        }
        OptionSpec option = argument instanceof OptionSpec named ? named : null;
        if (option == null && message.startsWith("--")) {
            int end = message.indexOf(' ');
            option = command.getCommandSpec().findOption(end < 0 ? message : message.substring(0, end));
        }
        if (option == null) {
            return message;
        }
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return message; // given on the command line
                }
            }
        }
        String origin = layers.origin(option);
        return origin == null || message.contains(origin) ? message
                : message + " (" + option.longestName() + " came from " + origin + ")";
    }

    /** The message to show; a pipeline's apply failure also says what the target refused. */
    static String message(Exception ex) {
        Throwable cause = ex.getCause();
        if (ex instanceof ApplyFailedException && cause != null && cause.getMessage() != null
                && !ex.getMessage().contains(cause.getMessage())) {
            return ex.getMessage() + ": " + cause.getMessage();
        }
        return ex.getMessage();
    }

    /** The exit code for an exception thrown while a command ran. */
    static int exitCode(Throwable ex) {
        if (ex instanceof ApplyFailedException && ex.getCause() != null) {
            return exitCode(ex.getCause());
        }
        if (ex instanceof ApplyException) {
            switch (((ApplyException) ex).failure()) {
                case UNSUPPORTED_STREAM:
                    return ExitCodes.PROTOCOL_ERROR;
                case TRANSIENT:
                    return ExitCodes.CANNOT_CONNECT;
                default:
                    return ExitCodes.TARGET_ERROR;
            }
        }
        if (ex instanceof EngineException) {
            switch (((EngineException) ex).failure()) {
                case INVALID_INPUT:
                    return ExitCodes.USAGE;
                case CANNOT_CONNECT:
                    return ExitCodes.CANNOT_CONNECT;
                case SOURCE_NOT_READY:
                    return ExitCodes.SOURCE_NOT_READY;
                case TARGET_NOT_READY:
                    return ExitCodes.TARGET_ERROR;
                case SLOT_LIMIT:
                    return ExitCodes.SLOT_LIMIT;
                case PROTOCOL:
                    return ExitCodes.PROTOCOL_ERROR;
                default:
                    return ExitCodes.INTERNAL_ERROR;
            }
        }
        if (ex instanceof DecodeException) {
            return ExitCodes.PROTOCOL_ERROR;
        }
        if (ex instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.INTERNAL_ERROR;
    }

    /** Given on the command line, or set by the environment or the configuration file. */
    private static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            OptionSpec verbose = result.commandSpec().findOption(CommonOptions.VERBOSE);
            if (result.hasMatchedOption(CommonOptions.VERBOSE) || verbose != null && Boolean.TRUE.equals(verbose.getValue())) {
                return true;
            }
        }
        return false;
    }
}
