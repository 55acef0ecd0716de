package io.walferry.cli.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A configuration file: one YAML mapping from option keys (long option names without their dashes)
 * to values, checked against the options that exist:
 * <pre>
 * source: postgresql://app@db1:5432/shop
 * target: postgresql://app@db2:5432/shop
 * pipeline: shop
 * tables: [app.*, billing.invoices]
 * max-slot-wal: 10GB
 * exit-when-caught-up: true
 * </pre>
 * A key no option has, a key given twice, a list for an option of one value, a switch that is
 * neither true nor false, a missing value and malformed YAML are refused with the file and the line.
 * The file is read as YAML nodes, never constructed into objects, so tags cannot instantiate classes.
 */
public final class ConfigFile {
    /** What an option takes, and so what its key may hold. */
    public enum Kind {
        /** One value: a scalar. */
        VALUE,
        /** Several values: a list, or a scalar of values separated by commas. */
        LIST,
        /** On or off: {@code true} or {@code false}. */
        SWITCH
    }

    /**
     * One key's value as the command line would give it (a list joined with commas).
     *
     * @param text the value
     * @param line its line in the file, from 1
     */
    record Entry(String text, int line) {
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(Path path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = entries;
    }

    /**
     * Reads and checks the file.
     *
     * @param keys every key an option of a configurable command has, with what it takes
     * @throws ConfigException naming the file and the line of what is wrong
     */
    public static ConfigFile read(Path path, Map<String, Kind> keys) throws ConfigException {
        String name = "config file " + path;
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(
                    Files.readString(path, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + " does not exist (--config or " + OptionNames.CONFIG_VARIABLE
                    + " names a YAML file of options: see docs/configuration.md)");
        } catch (CharacterCodingException e) {
            throw new ConfigException(name + " is not UTF-8 text: save it as UTF-8");
        } catch (IOException e) {
            throw new ConfigException(name + " cannot be read: " + e);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(name + " is not valid YAML: " + at(e.getProblemMark()) + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext()
                            + (e.getContextMark() == null ? "" : " at " + position(e.getContextMark())) + ")"));
        } catch (YAMLException e) {
            throw new ConfigException(name + " is not valid YAML: " + e.getMessage());
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (root == null) {
            return new ConfigFile(path, entries); // empty, or only comments
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigException(name + ", line " + line(root) + ": expected a mapping of option keys to values,"
                    + " one per line, like max-slot-wal: 10GB");
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = key(tuple.getKeyNode(), name);
            int line = line(tuple.getKeyNode());
            String where = name + ", line " + line + ": ";
            Kind kind = keys.get(key);
            if (kind == null) {
                throw new ConfigException(where + "unknown key \"" + key + "\"" + suggestion(key, keys.keySet())
                        + ": the keys are the long options of walferry's commands without their dashes"
                        + " (see docs/configuration.md)");
            }
            Entry earlier = entries.get(key);
            if (earlier != null) {
                throw new ConfigException(where + "key \"" + key + "\" is given twice (first on line " + earlier.line()
                        + "): keep one");
            }
            entries.put(key, new Entry(value(tuple.getValueNode(), kind, where + "key \"" + key + "\""), line));
        }
        return new ConfigFile(path, entries);
    }

    /** The file as named by {@code --config} or {@value OptionNames#CONFIG_VARIABLE}. */
    public Path path() {
        return path;
    }

    /** The key's value as the command line would give it, or {@code null} when the file does not set it. */
    public String value(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.text();
    }

    /** The key's line, from 1, or 0 when the file does not set it. */
    public int line(String key) {
        Entry entry = entries.get(key);
        return entry == null ? 0 : entry.line();
    }

    /**
     * The file's permissions, {@code rw-r--r--}, when other users than its owner may read it; null
     * when they may not, or when the file system has no POSIX permissions.
     */
    public String readableByOthers() {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                return PosixFilePermissions.toString(permissions);
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static String key(Node node, String name) throws ConfigException {
        if (!(node instanceof ScalarNode scalar)) {
            throw new ConfigException(name + ", line " + line(node) + ": a key must be an option name such as"
                    + " max-slot-wal, not a list or a mapping");
        }
        return scalar.getValue();
    }

    /** The value of a key that takes {@code kind}, as the command line would give it. */
    private static String value(Node node, Kind kind, String what) throws ConfigException {
        if (node instanceof SequenceNode sequence) {
            if (kind != Kind.LIST) {
                throw new ConfigException(what + " takes " + (kind == Kind.SWITCH ? "true or false" : "one value")
                        + ", not a list");
            }
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(scalar(item, Kind.VALUE, what));
            }
            return items.isEmpty() ? null : String.join(",", items);
        }
        return scalar(node, kind, what);
    }

    private static String scalar(Node node, Kind kind, String what) throws ConfigException {
        if (!(node instanceof ScalarNode scalar)) {
            throw new ConfigException(what + " holds a mapping: give it " + (kind == Kind.LIST ? "a list of values"
                    : kind == Kind.SWITCH ? "true or false" : "one value"));
        }
        if (Tag.NULL.equals(scalar.getTag())) {
            throw new ConfigException(what + " has no value: give one, or remove the line");
        }
        if (kind != Kind.SWITCH) {
            return scalar.getValue(); // as written: 10GB, 0.5, off, a URL
        }
        if (!Tag.BOOL.equals(scalar.getTag())) {
            throw new ConfigException(what + " takes true or false, not \"" + scalar.getValue() + "\"");
        }
        String text = scalar.getValue().toLowerCase(Locale.ROOT);
        return Boolean.toString(text.equals("true") || text.equals("yes") || text.equals("on"));
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String at(Mark mark) {
        return mark == null ? "" : position(mark) + ": ";
    }

    private static String position(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    /** {@code " (did you mean max-slot-wal?)"} for a near miss, else nothing. */
    private static String suggestion(String key, Set<String> keys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : keys) {
            int distance = distance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(1, key.length() / 4) ? " (did you mean " + best + "?)" : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
