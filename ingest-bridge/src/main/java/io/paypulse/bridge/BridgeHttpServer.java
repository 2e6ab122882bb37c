package io.paypulse.bridge;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.time.Duration;

/**
 * The Jetty server set-up the bridge runs on, shared with the benchmark's do-nothing baseline so that
 * both are measured on exactly the same server, threads and connector.
 */
public final class BridgeHttpServer {

    private BridgeHttpServer() {
    }

    /** A server, not yet started, listening on {@code host:port} (0 picks a free port). */
    public static Server create(String host, int port, Handler handler, Duration stopTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("bridge-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        // GracefulHandler lets requests in flight finish on stop, and answers 503 to any that arrive meanwhile.
        server.setHandler(new GracefulHandler(handler));
        // Jetty's own errors (a garbled request line, say) must not show stack traces to callers.
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowMessageInTitle(false);
        server.setErrorHandler(errors);
        server.setStopTimeout(stopTimeout.toMillis());
        server.setStopAtShutdown(false);
        return server;
    }

    /** The port the server's connector is bound to. */
    public static int localPort(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
