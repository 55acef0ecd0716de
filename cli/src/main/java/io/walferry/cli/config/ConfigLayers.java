package io.walferry.cli.config;

import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.PasswordSource;
import io.walferry.engine.source.SourceEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The layers under the command line, for the commands that have {@code --config}: an option the
 * command line does not give takes the value of its environment variable, else of its key in the
 * configuration file, else its built-in default. Installed on the root command line by
 * {@link #install}:
 * <ul>
 *   <li>as picocli's default-value provider, for options that take a value (picocli converts and
 *       checks the value as if it had been typed);</li>
 *   <li>as a step before the command runs, for switches ({@code --json}): picocli turns a switch whose
 *       default is true off when it is given, so a switch's layers are applied once the command line
 *       is known, to the switches it does not give;</li>
 *   <li>in that same step, the file's errors (exit 2) and the warning about a file that holds a
 *       password and that others may read.</li>
 * </ul>
 * The file is found before parsing, from the arguments ({@code --config FILE} or
 * {@code --config=FILE}) or {@value OptionNames#CONFIG_VARIABLE}, because picocli asks for defaults
 * while it parses.
 */
public final class ConfigLayers implements IDefaultValueProvider {
    private final Map<String, String> environment;
    private final String configName;
    private final ConfigFile file;
    private final String fileError;

    private ConfigLayers(Map<String, String> environment, String configName, ConfigFile file, String fileError) {
        this.environment = environment;
        this.configName = configName;
        this.file = file;
        this.fileError = fileError;
    }

    /**
     * Reads the configuration file that {@code args} or the environment name, if any, checked against
     * the options of {@code root}'s commands, and puts the layers into {@code root}. A file that
     * cannot be used is reported when a command that reads it runs.
     */
    public static ConfigLayers install(CommandLine root, Map<String, String> environment, String[] args) {
        String configName = configName(args, environment);
        ConfigFile file = null;
        String fileError = null;
        if (configName != null) {
            try {
                file = ConfigFile.read(Path.of(configName), keys(root));
            } catch (ConfigException e) {
                fileError = e.getMessage();
            } catch (java.nio.file.InvalidPathException e) {
                fileError = "config file " + configName + " is not a valid path: " + e.getReason();
            }
        }
        ConfigLayers layers = new ConfigLayers(Map.copyOf(environment), configName, file, fileError);
        root.setDefaultValueProvider(layers);
        root.setExecutionStrategy(layers.before(root.getExecutionStrategy()));
        return layers;
    }

    /** The file named on the command line, else by {@value OptionNames#CONFIG_VARIABLE}; null when none is. */
    public static String configName(String[] args, Map<String, String> environment) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OptionNames.CONFIG_OPTION) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(OptionNames.CONFIG_OPTION + "=")) {
                return args[i].substring(OptionNames.CONFIG_OPTION.length() + 1);
            }
        }
        String variable = environment.get(OptionNames.CONFIG_VARIABLE);
        return variable == null || variable.isEmpty() ? null : variable;
    }

    /** Every key of every configurable option of {@code root}'s commands. */
    static Map<String, ConfigFile.Kind> keys(CommandLine root) {
        Map<String, ConfigFile.Kind> keys = new TreeMap<>();
        for (CommandLine command : root.getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (OptionNames.configurable(option)) {
                    ConfigFile.Kind kind = OptionNames.isSwitch(option) ? ConfigFile.Kind.SWITCH
                            : option.isMultiValue() ? ConfigFile.Kind.LIST : ConfigFile.Kind.VALUE;
                    keys.merge(OptionNames.key(option), kind, (a, b) -> a == ConfigFile.Kind.LIST ? a : b);
                }
            }
        }
        return keys;
    }

    /** For picocli: the value of an option that takes one and is not on the command line, or null for its own default. */
    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || !OptionNames.configurable(option) || OptionNames.isSwitch(option)) {
            return null;
        }
        String value = layeredValue(option);
        // picocli expands ${...} in defaults: a password may hold those characters; $${ is a literal ${.
        return value == null ? null : value.replace("${", "$${");
    }

    /**
     * Where the value of an option that the command line does not give comes from, for messages:
     * {@code the environment variable WALFERRY_JOBS}, {@code key jobs in config file w.yaml (line 3)};
     * null when from neither.
     */
    public String origin(OptionSpec option) {
        if (!OptionNames.configurable(option)) {
            return null;
        }
        String variable = OptionNames.environmentVariable(option);
        if (variable(variable) != null) {
            return "the environment variable " + variable;
        }
        String key = OptionNames.key(option);
        if (file != null && file.value(key) != null) {
            return "key " + key + " in config file " + file.path() + " (line " + file.line(key) + ")";
        }
        return null;
    }

    /** The environment's value, else the file's, else null. */
    private String layeredValue(OptionSpec option) {
        String value = variable(OptionNames.environmentVariable(option));
        if (value == null && file != null) {
            value = file.value(OptionNames.key(option));
        }
        return value;
    }

    private String variable(String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** The execution strategy that applies the switches (and reports the file) before {@code next} runs the command. */
    private IExecutionStrategy before(IExecutionStrategy next) {
        return parseResult -> {
            ParseResult command = parseResult;
            boolean help = false;
            for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
                help |= result.isUsageHelpRequested() || result.isVersionHelpRequested();
                command = result;
            }
            if (!help && OptionNames.configurable(command.commandSpec())) {
                prepare(command);
            }
            return next.execute(parseResult);
        };
    }

    /** Reports the file's problems and sets the switches the command line does not give. */
    void prepare(ParseResult command) {
        CommandLine commandLine = command.commandSpec().commandLine();
        requireSameFile(command);
        if (fileError != null) {
            throw new ParameterException(commandLine, fileError);
        }
        applySwitches(command);
        String warning = passwordWarning();
        if (warning != null) {
            commandLine.getErr().println(command.commandSpec().qualifiedName() + ": warning: " + warning);
            commandLine.getErr().flush();
        }
    }

    /** Sets each switch the command line does not give from its environment variable or key. */
    public void applySwitches(ParseResult command) {
        for (OptionSpec option : command.commandSpec().options()) {
            if (!OptionNames.configurable(option) || !OptionNames.isSwitch(option) || command.hasMatchedOption(option)) {
                continue;
            }
            String value = layeredValue(option);
            if (value == null) {
                continue;
            }
            String lower = value.toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                throw new ParameterException(command.commandSpec().commandLine(), option.longestName() + " takes true"
                        + " or false, and " + origin(option) + " holds \"" + value + "\"", option, value);
            }
            option.setValue(Boolean.parseBoolean(lower));
        }
    }

    /**
     * The file must be the one the parsed command line names: the arguments were scanned for it
     * before parsing, and a command line built without them would quietly ignore {@code --config}.
     */
    private void requireSameFile(ParseResult command) {
        Object parsed = command.matchedOptionValue(OptionNames.CONFIG_OPTION, null);
        String named = parsed == null ? variable(OptionNames.CONFIG_VARIABLE) : parsed.toString();
        if (named != null && !named.equals(configName)) {
            throw new IllegalStateException("--config " + named + " was not read: the command line was built"
                    + " without its arguments (Walferry.commandLine(args))");
        }
    }

    /** A warning when the file holds a password in a connection string and others than its owner may read it. */
    private String passwordWarning() {
        if (file == null) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        for (String key : new String[] {"source", "target"}) {
            if (file.value(key) != null && holdsPassword(file.value(key))) {
                keys.add(key);
            }
        }
        String permissions = keys.isEmpty() ? null : file.readableByOthers();
        if (permissions == null) {
            return null;
        }
        return "config file " + file.path() + " holds a password (in " + String.join(" and ", keys) + ") and other"
                + " users may read it (" + permissions + "): run chmod 600 " + file.path() + ", or keep the password"
                + " in ~/.pgpass or PGPASSWORD instead";
    }

    /** Whether the connection string itself holds a password; one that cannot be parsed may, for all we know. */
    private static boolean holdsPassword(String connectionString) {
        try {
            SourceEnvironment none = new SourceEnvironment(Map.of(), Path.of("/nonexistent"), "walferry");
            return ConnectionStrings.parse(connectionString, none).passwordSource() == PasswordSource.CONNECTION_STRING;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
