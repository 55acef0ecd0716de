package io.walferry.decoder;

/** Stream Stop ({@code 'E'}, protocol 2+): no fields; ends the current streamed block. */
public final class StreamStopMessage extends PgOutputMessage {
    @Override
    public MessageType type() {
        return MessageType.STREAM_STOP;
    }
}
