package io.paypulse.bridge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the bridge says when it cannot listen: the setting to change follows from the cause. */
class BridgeListenHintTest {

    @Test
    void anAddressThatIsNotThisMachinesNamesTheBindHost() {
        // What the JDK throws for BRIDGE_BIND_HOST=999.1.1.1, as Jetty wraps it.
        UnresolvedAddressException unresolved = assertThrows(UnresolvedAddressException.class, () -> {
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.bind(new InetSocketAddress("999.1.1.1", 0));
            }
        });
        assertEquals("set BRIDGE_BIND_HOST to an address of this machine, e.g. 0.0.0.0 or 127.0.0.1",
                IngestBridge.listenHint(new IOException("Failed to bind to 999.1.1.1/<unresolved>:8080", unresolved)));
        assertEquals("set BRIDGE_BIND_HOST to an address of this machine, e.g. 0.0.0.0 or 127.0.0.1",
                IngestBridge.listenHint(new IOException("Failed to bind", new BindException("Cannot assign requested address"))));
    }

    @Test
    void aPortInUseNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServerSocketChannel second = ServerSocketChannel.open()) {
            BindException inUse = assertThrows(BindException.class,
                    () -> second.bind(new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort())));
            assertEquals("free the port or set BRIDGE_PORT", IngestBridge.listenHint(new IOException("Failed to bind", inUse)));
        }
        // What a non-root process gets for a port under 1024 (root, as here, may bind it).
        assertEquals("ports below 1024 need privileges: set BRIDGE_PORT to 1024 or above",
                IngestBridge.listenHint(new IOException("Failed to bind", new java.net.SocketException("Permission denied"))));
    }
}
