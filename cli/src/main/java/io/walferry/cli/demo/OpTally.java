package io.walferry.cli.demo;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Passes peek's JSON lines through to the terminal and counts them by {@code op}; recognises the
 * workload's closing logical message so the demo knows every change it wrote has streamed.
 * Written to by the peek thread only; read after that thread has finished.
 */
public final class OpTally extends Writer {
    private static final String OP_FIELD = "\"op\":\"";

    private final Writer out;
    private final String doneMarker;
    private final StringBuilder line = new StringBuilder();
    private final Map<String, Long> counts = new TreeMap<>();
    private final CountDownLatch done = new CountDownLatch(1);

    /** {@code doneMarker} is text that appears only in the line of the workload's last message. */
    public OpTally(Writer out, String doneMarker) {
        this.out = out;
        this.doneMarker = doneMarker;
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        for (int i = offset; i < offset + length; i++) {
            if (buffer[i] == '\n') {
                count(line);
                line.setLength(0);
            } else {
                line.append(buffer[i]);
            }
        }
    }

    private void count(CharSequence json) {
        String text = json.toString();
        int start = text.indexOf(OP_FIELD);
        if (start >= 0) {
            int from = start + OP_FIELD.length();
            counts.merge(text.substring(from, text.indexOf('"', from)), 1L, Long::sum);
        }
        if (text.contains(doneMarker)) {
            done.countDown();
        }
    }

    /** Waits until the done marker has streamed. */
    public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** Messages by op, e.g. {@code insert=120}. */
    public Map<String, Long> counts() {
        return new TreeMap<>(counts);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
