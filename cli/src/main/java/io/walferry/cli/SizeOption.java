package io.walferry.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Sizes on the command line the way PostgreSQL writes them: {@code 0}, {@code 512kB}, {@code 256MB}, {@code 2GB}. */
final class SizeOption {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|kB|KB|MB|GB|TB)?");

    private SizeOption() {
    }

    static long parse(CommandSpec spec, String option, String text) {
        Matcher matcher = SIZE.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ParameterException(spec.commandLine(), option + " " + text + " is not a size (expected: a"
                    + " number with an optional unit B, kB, MB, GB or TB, e.g. 256MB)");
        }
        long value = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        if (value > (Long.MAX_VALUE >> shift)) {
            throw new ParameterException(spec.commandLine(), option + " " + text + " is too large");
        }
        return value << shift;
    }
}
