package io.paypulse.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Picks and checks loopback TCP ports, so servers started side by side on one machine never collide. */
public final class FreePorts {

    /** Every local server binds here, never on a public interface. */
    public static final String HOST = "127.0.0.1";

    // The kernel may hand out a just-released port again; remembering ours keeps two servers of this JVM apart.
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** Returns a port on 127.0.0.1 that is free now and was not returned before by this JVM. */
    public static int pick() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a server socket on " + HOST, e);
            }
        }
        throw new IllegalStateException("no free port found on " + HOST + " after 50 attempts");
    }

    /** True when a server could bind {@code port} on 127.0.0.1 right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same option as Kafka and ClickHouse use, so a port in TIME_WAIT after our own stop counts as free.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
