package io.walferry.engine.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.metrics.PipelineMetrics;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a {@code replicate} run: {@code GET /metrics} (Prometheus text format),
 * {@code /status} (JSON) and {@code /health} (200 or 503, JSON), served by Netty on one event-loop
 * thread, {@code walferry-http}. Nothing it serves holds a connection string or a password.
 *
 * <p>The thread is a daemon, so it never keeps the JVM alive, and {@link #close()} shuts the event
 * loop down and waits for it, so a command that returns leaves no thread behind. Requests are
 * handled on the event loop: a scrape reads meters and volatile state, and never waits on the
 * pipeline's threads.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    /** A GET has no body; anything larger than this is refused (413) rather than buffered. */
    private static final int MAX_REQUEST_BYTES = 8192;
    /** Prometheus keeps connections open between scrapes (15 s by default); idle longer, they close. */
    private static final int IDLE_SECONDS = 120;

    private final EventLoopGroup group;
    private final Channel channel;

    private HttpEndpoint(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code address} and serves {@code metrics} until closed.
     *
     * @param option how the operator named the address (e.g. {@code --http 127.0.0.1:8432}), for
     *               the error message
     * @throws EngineException {@link Failure#INVALID_INPUT} when the address cannot be bound (in use,
     *                         not an address of this host, a privileged port)
     */
    public static HttpEndpoint start(InetSocketAddress address, PipelineMetrics metrics, String option) {
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("walferry-http", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(),
                                new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new EndpointHandler(metrics));
                    }
                });
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            HttpEndpoint endpoint = new HttpEndpoint(group, channel);
            LOG.info("serving /metrics, /status and /health on http://{}", endpoint.describe());
            return endpoint;
        } catch (Exception e) {
            shutDown(group);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof SocketException) {
                throw new EngineException(Failure.INVALID_INPUT, option + ": cannot listen on " + address.getHostString()
                        + ":" + address.getPort() + " (" + e.getMessage() + "); another process (another walferry?)"
                        + " may use the port: pass a free one with --http HOST:PORT, or --http off", e);
            }
            throw new IllegalStateException("starting the HTTP endpoint on " + address + " failed", e);
        }
    }

    /** The address bound: with port 0, the port the system chose. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private String describe() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    /** Stops listening, closes open connections and waits for the event-loop thread to end. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutDown(group);
    }

    private static void shutDown(EventLoopGroup group) {
        // No quiet period: nothing is expected to arrive that must still be answered.
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
