package io.paypulse.cli;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.bridge.IngestBridge;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code paypulse bridge}: serves POST /webhooks/stripe against the configured Kafka. */
@Command(name = "bridge",
        mixinStandardHelpOptions = true,
        description = {
                "Serve the Stripe webhook endpoint (POST /webhooks/stripe) and put every verified event on Kafka.",
                "A webhook is answered 200 only once Kafka has acknowledged it; otherwise 503, so Stripe retries.",
                "Endpoint secrets come only from the environment (STRIPE_WEBHOOK_SECRET), never from flags."})
final class BridgeCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port. Env: BRIDGE_PORT (default 8080).")
    Integer port;

    @Option(names = "--bind", paramLabel = "HOST", description = "Address to listen on. Env: BRIDGE_BIND_HOST (default 0.0.0.0).")
    String bindHost;

    @Option(names = "--kafka", paramLabel = "SERVERS",
            description = "Kafka bootstrap servers. Env: KAFKA_BOOTSTRAP_SERVERS (default localhost:9092).")
    String kafka;

    @Option(names = "--ack-timeout-ms", paramLabel = "MS",
            description = "Answer 503 if Kafka has not acknowledged within this time. Env: BRIDGE_KAFKA_ACK_TIMEOUT_MS (default 5000).")
    Long ackTimeoutMs;

    @Option(names = "--tolerance-seconds", paramLabel = "S",
            description = "Signature timestamp tolerance. Env: STRIPE_WEBHOOK_TOLERANCE_SECONDS (default 300).")
    Long toleranceSeconds;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES",
            description = "Largest body accepted; larger gets 413. Env: BRIDGE_MAX_BODY_BYTES (default 1048576).")
    Integer maxBodyBytes;

    @Option(names = "--shutdown-drain-ms", paramLabel = "MS",
            description = "On SIGTERM, answer 503 on /readyz but keep serving this long before closing the port, so load "
                    + "balancers stop sending first; a few seconds behind one. Env: BRIDGE_SHUTDOWN_DRAIN_MS (default 0).")
    Long shutdownDrainMs;

    @Option(names = "--no-create-topics", negatable = false,
            description = "Do not create missing topics at start (for clusters where the bridge may not create topics).")
    boolean noCreateTopics;

    @Override
    public Integer call() throws Exception {
        BridgeConfig config = BridgeConfig.fromEnv(overrides().asMap());
        ShutdownSignal signal = ShutdownSignal.install();
        if (!noCreateTopics) {
            Console.step("checking topics on " + config.kafkaBootstrapServers());
            TopicProvisioner.Result topics = provisionTopics(config, TopicProvisioner.DEFAULT_TIMEOUT);
            Console.done("topics created=" + topics.created() + " present=" + topics.alreadyPresent());
        }
        try (IngestBridge bridge = IngestBridge.start(config)) {
            Console.info("bridge listening on " + bridge.webhookUri() + " (health /healthz, ready /readyz, metrics /metrics)");
            String name = signal.await();
            Console.info(name + " received: finishing requests in flight, then flushing to Kafka");
        }
        return 0;
    }

    /** Creates the missing topics with the same client settings (TLS, SASL) as the bridge's producer. */
    static TopicProvisioner.Result provisionTopics(BridgeConfig config, Duration timeout) {
        return TopicProvisioner.provision(config.kafkaBootstrapServers(), config.kafkaClientProperties(),
                TopicSpecs.load().all(), timeout);
    }

    EnvOverrides overrides() {
        return EnvOverrides.fromSystem()
                .set(BridgeConfig.ENV_PORT, port)
                .set(BridgeConfig.ENV_BIND_HOST, bindHost)
                .set(BridgeConfig.ENV_KAFKA, kafka)
                .set(BridgeConfig.ENV_ACK_TIMEOUT, ackTimeoutMs)
                .set(BridgeConfig.ENV_TOLERANCE, toleranceSeconds)
                .set(BridgeConfig.ENV_MAX_BODY, maxBodyBytes)
                .set(BridgeConfig.ENV_SHUTDOWN_DRAIN, shutdownDrainMs);
    }
}
