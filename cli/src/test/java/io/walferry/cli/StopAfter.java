package io.walferry.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Standard output for an in-process peek that behaves like a pipe whose reader exits once a line
 * containing {@code marker} has been written: after that the writer reports an error, and peek
 * stops as it does when {@code | head} closes.
 */
final class StopAfter {
    private final StringWriter text = new StringWriter();
    private final PrintWriter writer;

    StopAfter(String marker) {
        writer = new PrintWriter(text, true) {
            @Override
            public void flush() {
                super.flush();
                if (text.toString().contains(marker)) {
                    setError();
                }
            }
        };
    }

    PrintWriter writer() {
        return writer;
    }

    StringWriter text() {
        return text;
    }
}
