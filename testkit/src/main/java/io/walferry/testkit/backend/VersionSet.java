package io.walferry.testkit.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.opentest4j.TestAbortedException;

/**
 * The PostgreSQL major versions a run covers, and where that choice came from (for
 * messages), e.g. {@code [17]} from {@code WALFERRY_TEST_PG_VERSIONS=17}.
 *
 * @param majors ascending, distinct, never empty
 * @param origin how the set was chosen, quoted in skip messages
 */
public record VersionSet(List<Integer> majors, String origin) {

    /** Lowest major version the kit accepts at all (logical replication settings need 10+). */
    public static final int OLDEST_MAJOR = 10;

    public VersionSet {
        if (majors.isEmpty()) {
            throw new IllegalArgumentException("no PostgreSQL versions selected (" + origin + ")");
        }
        majors = List.copyOf(new TreeSet<>(majors));
    }

    /**
     * Parses a comma-separated list of major versions such as {@code 17} or {@code 14,18}.
     *
     * @param settingName the environment variable the text came from, for messages
     */
    public static VersionSet parse(String text, String settingName) {
        List<Integer> majors = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            majors.add(parseMajor(trimmed, settingName));
        }
        if (majors.isEmpty()) {
            throw new IllegalArgumentException(settingName + ": '" + text
                + "' names no version (expected: comma-separated major versions such as 14,18)");
        }
        return new VersionSet(majors, settingName + "=" + text.trim());
    }

    private static int parseMajor(String text, String settingName) {
        int major;
        try {
            major = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            major = -1;
        }
        if (major < OLDEST_MAJOR) {
            throw new IllegalArgumentException(settingName + ": '" + text
                + "' is not a PostgreSQL major version (expected: " + OLDEST_MAJOR
                + " or later, comma-separated, such as 14,18)");
        }
        return major;
    }

    /** The highest version covered. */
    public int newest() {
        return majors.get(majors.size() - 1);
    }

    /**
     * Aborts the calling test unless {@code major} is covered.
     *
     * @throws TestAbortedException naming the version and how the set was chosen
     */
    public void requireCovered(int major) {
        if (!majors.contains(major)) {
            throw new TestAbortedException("PostgreSQL " + major + " is not covered by this run: "
                + "versions " + majors + " (" + origin + ")");
        }
    }
}
