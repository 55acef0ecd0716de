package io.walferry.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.metrics.PipelineStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request at a time on the event loop: {@code GET /metrics}, {@code /status},
 * {@code /health}; 404 for other paths, 405 for other methods, 400 for what does not parse.
 */
final class EndpointHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointHandler.class);
    /** The Prometheus text exposition format, version 0.0.4: what {@link PipelineMetrics#scrape} writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PipelineMetrics metrics;

    EndpointHandler(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) throws IOException {
        if (!request.decoderResult().isSuccess()) {
            respond(context, request, HttpResponseStatus.BAD_REQUEST, TEXT, text(context, "bad request\n"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = response(request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                    text(context, request.method() + " is not served (expected: GET)\n"));
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            context.writeAndFlush(response);
            return;
        }
        switch (path) {
            case "/metrics" -> respond(context, request, HttpResponseStatus.OK, PROMETHEUS_TEXT,
                    body(context, metrics::scrape));
            case "/status" -> {
                PipelineStatus status = metrics.status();
                respond(context, request, HttpResponseStatus.OK, JSON,
                        body(context, out -> StatusJson.writeStatus(status, out)));
            }
            case "/health" -> {
                PipelineStatus status = metrics.status();
                respond(context, request, status.healthy() ? HttpResponseStatus.OK
                        : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                        body(context, out -> StatusJson.writeHealth(status, out)));
            }
            default -> respond(context, request, HttpResponseStatus.NOT_FOUND, TEXT,
                    text(context, "not found: " + path + " (walferry serves /metrics, /status and /health)\n"));
        }
    }

    /** Writes a response body. */
    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** A buffer holding what {@code writer} wrote; released when writing fails. */
    private static ByteBuf body(ChannelHandlerContext context, BodyWriter writer) throws IOException {
        ByteBuf body = context.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out);
            return body;
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private static ByteBuf text(ChannelHandlerContext context, String text) {
        return context.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(ChannelHandlerContext context, FullHttpRequest request, HttpResponseStatus status,
                                String contentType, ByteBuf body) {
        context.writeAndFlush(response(request, status, contentType, body));
    }

    private static FullHttpResponse response(FullHttpRequest request, HttpResponseStatus status, String contentType,
                                             ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(response, body.readableBytes());
        // HttpServerKeepAliveHandler closes the connection after the response when the request asked for it.
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            context.close();
        } else {
            super.userEventTriggered(context, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // A client that went away, or a scrape that failed: the pipeline goes on, the connection closes.
        LOG.debug("HTTP request failed: {}", cause.toString(), cause);
        if (context.channel().isActive()) {
            context.writeAndFlush(response500(context)).addListener(future -> context.close());
        }
    }

    private static FullHttpResponse response500(ChannelHandlerContext context) {
        ByteBuf body = context.alloc().buffer().writeBytes("internal error\n".getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.INTERNAL_SERVER_ERROR, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
        HttpUtil.setContentLength(response, body.readableBytes());
        return response;
    }
}
