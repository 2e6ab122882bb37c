package io.paypulse.cli;

import io.paypulse.flink.PaymentHealthRunner;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code paypulse job}: the payment health job on this machine, against a given Kafka and ClickHouse. */
@Command(name = "job",
        mixinStandardHelpOptions = true,
        description = {
                "Run the payment health Flink job on an in-process MiniCluster against a given Kafka and ClickHouse.",
                "It reads stripe.events and writes decline rates, webhook latency, settlement times, payment attempts "
                        + "and redacted raw events, detects anomalies and pages through PagerDuty (PAGERDUTY_ROUTING_KEY; "
                        + "without it alerts are logged and recorded in ClickHouse only). Every PAYPULSE_*, PAGERDUTY_* "
                        + "and GRAFANA_URL variable of README's configuration table applies.",
                "On a Flink cluster, submit flink-jobs/target/paypulse-flink-jobs-<version>-job.jar instead (README)."})
final class JobCommand implements Callable<Integer> {

    @Option(names = "--kafka", paramLabel = "SERVERS",
            description = "Kafka bootstrap servers. Env: KAFKA_BOOTSTRAP_SERVERS (default localhost:9092).")
    String kafka;

    @Option(names = "--clickhouse", paramLabel = "URL",
            description = "ClickHouse HTTP URL. Env: CLICKHOUSE_URL (default http://localhost:8123).")
    String clickHouse;

    @Option(names = "--flink-ui-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of the Flink web UI, 0 for none (default ${DEFAULT-VALUE}).")
    int uiPort;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where checkpoints are kept. Env: PAYPULSE_DATA_DIR/flink-checkpoints (default .paypulse-data/flink-checkpoints).")
    Path checkpointDir;

    @Override
    public Integer call() throws Exception {
        EnvOverrides env = EnvOverrides.fromSystem()
                .set(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, kafka)
                .set(ClickHouseConfig.ENV_URL, clickHouse);
        ShutdownSignal signal = ShutdownSignal.install();
        JobConfig job = JobConfig.fromEnv(env.asMap());
        AlertingConfig alerting = AlertingConfig.fromEnv(env.asMap());
        ClickHouseConfig ch = ClickHouseConfig.fromEnv(env.asMap());
        Path checkpoints = checkpointDir != null ? checkpointDir
                : RunCommand.dataDir(null, env).resolve("flink-checkpoints");
        Console.step("checking ClickHouse migrations in " + ch.database() + " at " + ch.url());
        Console.done("applied " + new ClickHouseMigrator(ch).migrate().applied());
        JobClient client = startJob(job, alerting, ch, uiPort, checkpoints);
        String name = signal.await();
        Console.info(name + " received: cancelling the job (its last completed checkpoint stays in " + checkpoints
                + "; the next start resumes from the newest one there)");
        client.cancel().get();
        return 0;
    }

    /** Starts the job and prints where to watch it; shared with {@code run}. */
    static JobClient startJob(JobConfig job, AlertingConfig alerting, ClickHouseConfig ch, int uiPort, Path checkpoints)
            throws Exception {
        Files.createDirectories(checkpoints);
        Console.step("starting the payment health job (Flink MiniCluster) on " + job.topic() + " at " + job.kafkaBootstrapServers());
        JobClient client = PaymentHealthRunner.startLocal(job, alerting, ch, uiPort, checkpoints);
        Console.done("job " + client.getJobID() + " submitted" + (uiPort > 0 ? "; Flink UI http://127.0.0.1:" + uiPort : ""));
        Console.done(alerting.paging() ? "incidents page PagerDuty; every send is recorded in " + ch.database() + ".alerts"
                : "PAGERDUTY_ROUTING_KEY is not set: incidents are logged and recorded in " + ch.database()
                        + ".anomalies and .alerts, nobody is paged");
        Console.done(switch (job.livemode()) {
            case LIVE -> "metrics count live-mode events; test-mode ones are stored in " + ch.database()
                    + ".stripe_events only (PAYPULSE_LIVEMODE=any to count them too)";
            case TEST -> "metrics count test-mode events only (PAYPULSE_LIVEMODE=test)";
            case ANY -> "metrics count live- and test-mode events (PAYPULSE_LIVEMODE=any)";
        });
        return client;
    }
}
