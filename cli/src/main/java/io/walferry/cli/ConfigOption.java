package io.walferry.cli;

import io.walferry.cli.config.OptionNames;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}: a YAML file of options. Mixed into the commands that connect to servers;
 * having it is what makes a command read its options from the environment and the file
 * ({@link io.walferry.cli.config.ConfigLayers}, installed by {@link Walferry#commandLine(String[])},
 * which reads the file).
 */
final class ConfigOption {
    @Option(names = OptionNames.CONFIG_OPTION, paramLabel = "FILE",
            description = {"Read options from this YAML file: each key is an option's long name without the dashes"
                    + " (max-slot-wal: 10GB, tables: [app.*, billing.invoices]). An option on the command line beats"
                    + " its environment variable (WALFERRY_MAX_SLOT_WAL), which beats the file, which beats the"
                    + " built-in default. See docs/configuration.md.",
                    "Default: the " + OptionNames.CONFIG_VARIABLE + " environment variable."})
    Path config;
}
