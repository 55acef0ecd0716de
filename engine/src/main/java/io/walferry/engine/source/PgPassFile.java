package io.walferry.engine.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * The libpq password file ({@code ~/.pgpass}, or the file named by {@code PGPASSFILE}), read the
 * way libpq reads it: one {@code hostname:port:database:username:password} entry a line, {@code #}
 * comments, a field of exactly {@code *} matching anything, {@code \:} and {@code \\} escaping a
 * colon and a backslash, and the first matching line winning. Like libpq on Unix, the file is
 * ignored, with a warning, when it is not a plain file or when its group or others have any access.
 */
public final class PgPassFile {
    private static final Set<PosixFilePermission> GROUP_OR_WORLD = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path path;
    private final List<String> lines;
    private final String warning;

    private PgPassFile(Path path, List<String> lines, String warning) {
        this.path = path;
        this.lines = lines;
        this.warning = warning;
    }

    /** The password file this environment names: {@code PGPASSFILE}, else {@code ~/.pgpass}. */
    public static Path location(SourceEnvironment environment) {
        String explicit = environment.variable("PGPASSFILE");
        return explicit != null ? Path.of(explicit) : environment.homeDirectory().resolve(".pgpass");
    }

    /**
     * Reads the file at {@code path}. A missing or unreadable file has no entries; a file that libpq
     * would refuse has none either, and {@link #warning()} says why.
     */
    public static PgPassFile read(Path path) {
        if (!Files.exists(path)) {
            return new PgPassFile(path, List.of(), null);
        }
        if (!Files.isRegularFile(path)) {
            return new PgPassFile(path, List.of(), "password file \"" + path + "\" is not a plain file: ignoring it");
        }
        try {
            if (hasGroupOrWorldAccess(path)) {
                return new PgPassFile(path, List.of(), "password file \"" + path + "\" has group or world access;"
                        + " permissions should be u=rw (0600) or less: ignoring it (run chmod 0600 " + path + ")");
            }
            return new PgPassFile(path, Files.readAllLines(path, StandardCharsets.UTF_8), null);
        } catch (IOException | RuntimeException e) {
            return new PgPassFile(path, List.of(), "password file \"" + path + "\" cannot be read ("
                    + e.getClass().getSimpleName() + "): ignoring it");
        }
    }

    private static boolean hasGroupOrWorldAccess(Path path) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            for (PosixFilePermission permission : GROUP_OR_WORLD) {
                if (permissions.contains(permission)) {
                    return true;
                }
            }
            return false;
        } catch (UnsupportedOperationException e) {
            return false; // no POSIX permissions (Windows): libpq does not check there either
        }
    }

    public Path path() {
        return path;
    }

    /** Why the file was ignored, or {@code null} when it was read (or does not exist). */
    public String warning() {
        return warning;
    }

    /**
     * The password of the first entry matching all four values, or {@code null} when none does.
     * {@code port} is compared as text, as libpq compares it.
     */
    public String find(String host, String port, String database, String user) {
        for (String line : lines) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int at = matchField(line, 0, host);
            at = matchField(line, at, port);
            at = matchField(line, at, database);
            at = matchField(line, at, user);
            if (at >= 0) {
                return unescapePassword(line, at);
            }
        }
        return null;
    }

    /**
     * Matches the field starting at {@code start} against {@code value}, as libpq's
     * {@code pwdfMatchesString} does; returns where the next field starts, or -1 on no match.
     */
    static int matchField(String line, int start, String value) {
        if (start < 0) {
            return -1;
        }
        if (line.startsWith("*:", start)) {
            return start + 2;
        }
        int valueIndex = 0;
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            boolean escaped = false;
            if (c == '\\') {
                if (++i >= line.length()) {
                    return -1;
                }
                escaped = true;
                c = line.charAt(i);
            }
            if (c == ':' && !escaped && valueIndex == value.length()) {
                return i + 1;
            }
            // Like libpq, an unescaped colon that is not the field's end may still match a colon in
            // the value (an IPv6 address), so it is compared like any other character.
            if (valueIndex == value.length() || value.charAt(valueIndex) != c) {
                return -1;
            }
            valueIndex++;
            i++;
        }
        return -1; // the line ended inside this field: no password field follows
    }

    /** The password field from {@code start} to the next unescaped colon or the end of the line. */
    static String unescapePassword(String line, int start) {
        StringBuilder password = new StringBuilder(line.length() - start);
        for (int i = start; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ':') {
                break;
            }
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            password.append(c);
        }
        return password.toString();
    }
}
