package io.walferry.cli;

import io.walferry.engine.peek.TablePattern;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --tables} and {@code --exclude}: which tables a pipeline selects. One mixin, so that
 * {@code replicate} and {@code check} select alike.
 */
final class TableSelectionOption {
    @Option(names = "--tables", paramLabel = "PATTERN", arity = "1..*", split = ",",
            description = "Only tables matching these schema.table globs (* and ?); a pattern without a dot means"
                    + " schema public. Default: every table (FOR ALL TABLES).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", arity = "1..*", split = ",",
            description = "Leave out tables matching these globs.")
    List<String> exclude = new ArrayList<>();

    List<TablePattern> include() {
        return parse(tables);
    }

    List<TablePattern> excluded() {
        return parse(exclude);
    }

    private static List<TablePattern> parse(List<String> texts) {
        List<TablePattern> patterns = new ArrayList<>();
        for (String text : texts) {
            patterns.add(TablePattern.parse(text));
        }
        return patterns;
    }
}
