package io.walferry.testkit.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out free TCP ports on the loopback interface, each at most once per JVM, so that two
 * servers started in parallel never race for the same port. (Another process can still take
 * a port between this check and the server's bind; {@link EmbeddedServer} detects that.)
 */
final class LoopbackPorts {
    private static final int ATTEMPTS = 100;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** A port that was free a moment ago and that this JVM has not handed out before. */
    static int reserve() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        throw new IOException("no free loopback port after " + ATTEMPTS + " attempts");
    }
}
