package io.walferry.cli;

import io.walferry.applier.ApplyException;
import io.walferry.decoder.DecodeException;
import io.walferry.engine.pipeline.ApplyFailedException;
import io.walferry.engine.EngineException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
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
        err.println(command.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
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
            err.println(prefix + message(ex));
        }
        if (isVerbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The message to show; a pipeline's apply failure also says what the target refused. */
    private static String message(Exception ex) {
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

    private static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption(CommonOptions.VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
