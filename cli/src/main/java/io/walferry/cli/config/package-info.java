/**
 * Where an option's value comes from when the command line does not give it: an environment
 * variable named after the option ({@code --max-slot-wal} reads {@code WALFERRY_MAX_SLOT_WAL}), then
 * the YAML file of {@code --config} (key {@code max-slot-wal}), then the built-in default. The
 * command line beats all of them. {@link io.walferry.cli.config.ConfigLayers} puts the layers into
 * picocli (a default-value provider, and the switches once the command line is parsed);
 * {@link io.walferry.cli.config.ConfigFile} reads and checks the file;
 * {@link io.walferry.cli.config.OptionNames} names an option in each layer.
 *
 * <p>Runs on the main thread, before the command's {@code call()}. Values are never logged: a
 * connection string may hold a password.
 */
package io.walferry.cli.config;
