package io.walferry.cli.config;

import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How an option is named outside the command line: {@code --max-slot-wal} is the key
 * {@code max-slot-wal} in the configuration file and the environment variable
 * {@code WALFERRY_MAX_SLOT_WAL}. Only the commands that have {@code --config} read either; on them
 * every option does, except those that only make sense typed: {@code --help}, {@code --version},
 * {@code --config} itself (its variable is {@value #CONFIG_VARIABLE}) and {@code --yes}, the
 * confirmation of one {@code cleanup}, which a file shared with {@code replicate} must not give.
 */
public final class OptionNames {
    /** The option that names the file; its presence makes a command read the environment and the file. */
    public static final String CONFIG_OPTION = "--config";
    /** The environment variable that names the file when {@code --config} is not given. */
    public static final String CONFIG_VARIABLE = "WALFERRY_CONFIG";
    static final String VARIABLE_PREFIX = "WALFERRY_";
    private static final Set<String> COMMAND_LINE_ONLY = Set.of("--help", "--version", CONFIG_OPTION, "--yes");

    private OptionNames() {
    }

    /** Whether the command reads its options' values from the environment and the configuration file. */
    public static boolean configurable(CommandSpec command) {
        return command != null && command.findOption(CONFIG_OPTION) != null;
    }

    /** Whether the option takes its value from the environment and the file when the command line lacks it. */
    public static boolean configurable(OptionSpec option) {
        return configurable(option.command()) && option.longestName().startsWith("--")
                && !COMMAND_LINE_ONLY.contains(option.longestName()) && !option.usageHelp() && !option.versionHelp();
    }

    /** Its key in the configuration file: the long name without the dashes, {@code max-slot-wal}. */
    public static String key(OptionSpec option) {
        return option.longestName().substring(2);
    }

    /** Its environment variable: {@code WALFERRY_MAX_SLOT_WAL}. */
    public static String environmentVariable(OptionSpec option) {
        return VARIABLE_PREFIX + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** A switch: an option without a value ({@code --json}), on when given. */
    public static boolean isSwitch(OptionSpec option) {
        return option.arity().max() == 0 && (option.type() == boolean.class || option.type() == Boolean.class);
    }
}
