package io.walferry.engine.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;

/**
 * When a replication connection last received any bytes from the server: data, keepalives, or
 * anything else. pgjdbc handles keepalives inside {@code readPending()} and says nothing about them,
 * so the only way to tell a quiet connection from a dead one (a walsender that stopped, a network
 * that drops packets without a reset) is to watch the socket itself. {@link SourceConnector} opens
 * the connection through {@link WatchingSocketFactory}, which pgjdbc instantiates by name and which
 * finds its watch by a key in the connection properties.
 *
 * <p>Written by the reader thread inside pgjdbc's reads, read by the same thread.
 */
public final class ReceiveWatch {
    /** Connection property naming the watch a {@link WatchingSocketFactory} reports to. */
    static final String KEY_PROPERTY = "walferry.receiveWatch";
    private static final Map<String, ReceiveWatch> PENDING = new ConcurrentHashMap<>();

    private volatile long lastReceiveNanos = System.nanoTime();
    private volatile boolean watching;

    /** Whether the connection's socket is watched (it is unless the connection string names a socket factory). */
    public boolean watching() {
        return watching;
    }

    /** {@link System#nanoTime()} when bytes last arrived, or when the connection was opened. */
    public long lastReceiveNanos() {
        return lastReceiveNanos;
    }

    private void received() {
        lastReceiveNanos = System.nanoTime();
    }

    /** Registers this watch for the one connection about to be opened with {@code properties}. */
    String register(Properties properties) {
        String key = UUID.randomUUID().toString();
        PENDING.put(key, this);
        properties.setProperty("socketFactory", WatchingSocketFactory.class.getName());
        properties.setProperty(KEY_PROPERTY, key);
        return key;
    }

    static void unregister(String key) {
        PENDING.remove(key);
    }

    /** pgjdbc's socket factory for watched connections; public with a {@code Properties} constructor for pgjdbc. */
    public static final class WatchingSocketFactory extends SocketFactory {
        private final ReceiveWatch watch;

        public WatchingSocketFactory(Properties info) {
            ReceiveWatch registered = PENDING.get(info.getProperty(KEY_PROPERTY, ""));
            this.watch = registered != null ? registered : new ReceiveWatch();
        }

        @Override
        public Socket createSocket() {
            watch.watching = true;
            watch.received();
            return new WatchedSocket(watch);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localHost, localPort));
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localAddress, localPort));
            socket.connect(new InetSocketAddress(address, port));
            return socket;
        }
    }

    /** A plain socket whose input stream notes every read that returned bytes. */
    private static final class WatchedSocket extends Socket {
        private final ReceiveWatch watch;

        WatchedSocket(ReceiveWatch watch) {
            this.watch = watch;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int value = super.read();
                    if (value >= 0) {
                        watch.received();
                    }
                    return value;
                }

                @Override
                public int read(byte[] bytes, int offset, int length) throws IOException {
                    int count = super.read(bytes, offset, length);
                    if (count > 0) {
                        watch.received();
                    }
                    return count;
                }
            };
        }
    }
}
