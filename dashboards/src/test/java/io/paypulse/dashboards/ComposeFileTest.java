package io.paypulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.bridge.BridgeConfig;
import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.PaymentHealthRunner;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.schemas.ClickHouseConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, checked against the code it runs, since no Docker engine runs it here: the services
 * the README promises, pinned images of the versions the code is built with, the code's default ports, only
 * variable names the code reads (and the ones it needs), healthchecks and start order, volumes, the Grafana
 * provisioning the repository holds, and the simulator behind its profile.
 */
class ComposeFileTest {

    private static final List<String> SERVICES = List.of("kafka", "clickhouse", "migrate", "bridge", "jobmanager",
            "taskmanager", "grafana", "simulator");
    private static final List<String> LONG_RUNNING = List.of("kafka", "clickhouse", "bridge", "jobmanager",
            "taskmanager", "grafana");
    /** The webhook endpoint of the architecture's contract. */
    private static final String WEBHOOK_PATH = "/webhooks/stripe";
    private static final Pattern VERSION_TAG = Pattern.compile("\\d+(\\.\\d+)+[\\w.-]*");

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void parse() {
        compose = RepoFiles.yaml(RepoFiles.resolve("docker-compose.yml"));
        services = compose.path("services");
    }

    @Test
    void everyPartOfTheStackIsAService() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(SERVICES), new TreeSet<>(names));
    }

    @Test
    void imagesArePinnedToTheVersionsTheCodeIsBuiltWith() {
        for (String name : SERVICES) {
            JsonNode service = services.path(name);
            String image = service.path("image").asText();
            assertTrue(image.contains(":"), name + " image " + image + " names a tag");
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertFalse(tag.equals("latest"), name + " image " + image + " is pinned, not latest");
            if (service.has("build")) {
                assertEquals("local", tag, name + " is built from this repository: " + image);
            } else {
                assertTrue(VERSION_TAG.matcher(tag).matches(), name + " image " + image + " is pinned to a version");
            }
        }
        assertEquals("apache/kafka:" + AppInfoParser.getVersion(), services.path("kafka").path("image").asText(),
                "the broker runs the Kafka version of the clients");
        String flinkImage = flinkBaseImage();
        assertTrue(flinkImage.startsWith("flink:" + EnvironmentInformation.getVersion() + "-"),
                "Flink's image " + flinkImage + " runs the Flink version the job is built against, "
                        + EnvironmentInformation.getVersion());
        assertTrue(services.path("grafana").path("environment").path("GF_PLUGINS_PREINSTALL_SYNC").asText()
                .matches("grafana-clickhouse-datasource@\\d+\\.\\d+\\.\\d+"), "the ClickHouse plugin is pinned too");
    }

    @Test
    void portsAreTheCodesDefaultsAndOnlyTheBridgeListensBeyondThisHost() {
        // Everything but the bridge has no authentication worth the name (Kafka none at all, which would
        // bypass the signature check): published on the loopback interface only.
        assertEquals(List.of(BridgeConfig.DEFAULT_PORT + ":" + BridgeConfig.DEFAULT_PORT), ports("bridge"));
        int clickHouse = URI.create(ClickHouseConfig.DEFAULT_URL).getPort();
        assertEquals(List.of("127.0.0.1:" + clickHouse + ":" + clickHouse), ports("clickhouse"));
        int kafka = Integer.parseInt(JobConfig.DEFAULT_KAFKA_BOOTSTRAP_SERVERS.split(":")[1]);
        assertEquals(BridgeConfig.DEFAULT_KAFKA, JobConfig.DEFAULT_KAFKA_BOOTSTRAP_SERVERS);
        assertEquals(List.of("127.0.0.1:" + kafka + ":" + kafka), ports("kafka"));
        int flinkUi = RestOptions.PORT.defaultValue();
        assertEquals(List.of("127.0.0.1:" + flinkUi + ":" + flinkUi), ports("jobmanager"));
        int grafana = URI.create(env("jobmanager").get(AlertingConfig.ENV_GRAFANA_URL).replaceAll("\\$\\{\\w+:-(.*)}", "$1"))
                .getPort();
        assertEquals(3000, grafana, "pages link to Grafana on the port compose publishes");
        assertEquals(List.of("127.0.0.1:" + grafana + ":" + grafana), ports("grafana"));
        assertEquals(Integer.toString(BridgeConfig.DEFAULT_PORT), env("bridge").get(BridgeConfig.ENV_PORT));
    }

    @Test
    void longRunningServicesComeBackByThemselves() {
        for (String name : LONG_RUNNING) {
            assertEquals("unless-stopped", services.path(name).path("restart").asText(), name);
        }
    }

    @Test
    void servicesSetOnlyVariablesTheCodeReadsAndEveryOneItNeeds() {
        Set<String> bridge = envNames(BridgeConfig.class);
        Set<String> job = new TreeSet<>(envNames(JobConfig.class));
        job.addAll(envNames(AlertingConfig.class));
        job.addAll(envNames(PagerDutyConfig.class));
        job.addAll(envNames(ClickHouseConfig.class));
        // Read by Flink's image entrypoint into flink-conf, not by the job.
        job.add("FLINK_PROPERTIES");
        // The simulator signs its webhooks with the bridge's endpoint secret.
        Set<String> simulator = Set.of(BridgeConfig.ENV_SECRETS);

        assertReadsOnly("bridge", bridge, Set.of(BridgeConfig.ENV_SECRETS, BridgeConfig.ENV_KAFKA));
        assertReadsOnly("jobmanager", job, Set.of(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, ClickHouseConfig.ENV_URL,
                ClickHouseConfig.ENV_USER, ClickHouseConfig.ENV_PASSWORD, ClickHouseConfig.ENV_DATABASE));
        assertReadsOnly("migrate", envNames(ClickHouseConfig.class), Set.of(ClickHouseConfig.ENV_URL,
                ClickHouseConfig.ENV_USER, ClickHouseConfig.ENV_PASSWORD, ClickHouseConfig.ENV_DATABASE));
        assertReadsOnly("simulator", simulator, simulator);
        assertEquals(Set.of("FLINK_PROPERTIES"), env("taskmanager").keySet(),
                "the TaskManager gets its settings from the job graph, not the environment");
    }

    @Test
    void servicesReachEachOtherWhereTheOthersListen() {
        String internalKafka = compose.path("services").path("kafka").path("environment")
                .path("KAFKA_ADVERTISED_LISTENERS").asText().split(",")[0].replaceFirst("^\\w+://", "");
        assertEquals(internalKafka, env("bridge").get(BridgeConfig.ENV_KAFKA));
        assertEquals(internalKafka, env("jobmanager").get(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS));
        int clickHousePort = URI.create(ClickHouseConfig.DEFAULT_URL).getPort();
        for (String service : List.of("migrate", "jobmanager")) {
            assertEquals("http://clickhouse:" + clickHousePort, env(service).get(ClickHouseConfig.ENV_URL), service);
            assertEquals(ClickHouseConfig.DEFAULT_DATABASE, env(service).get(ClickHouseConfig.ENV_DATABASE), service);
            assertEquals(env("clickhouse").get("CLICKHOUSE_PASSWORD"), env(service).get(ClickHouseConfig.ENV_PASSWORD), service);
        }
        assertEquals(env("clickhouse").get("CLICKHOUSE_PASSWORD"), env("grafana").get("CLICKHOUSE_PASSWORD"));
        assertEquals("clickhouse", env("grafana").get("CLICKHOUSE_HOST"));
        List<String> simulate = command("simulator");
        assertEquals("simulate", simulate.get(0));
        assertEquals("http://bridge:" + BridgeConfig.DEFAULT_PORT + WEBHOOK_PATH, simulate.get(simulate.indexOf("--url") + 1));
    }

    @Test
    void theJobManagerRunsThePaymentHealthJobInApplicationMode() {
        // The entrypoint resumes from the newest checkpoint and hands the command to standalone-job.
        String script = "flink-jobs/src/main/docker/jobmanager-from-checkpoint.sh";
        List<String> entrypoint = new ArrayList<>();
        services.path("jobmanager").path("entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertEquals(List.of("/opt/paypulse/jobmanager-from-checkpoint.sh"), entrypoint);
        assertTrue(RepoFiles.text(RepoFiles.resolve("Dockerfile")).contains("COPY " + script + " " + entrypoint.get(0)),
                "the Dockerfile puts " + script + " where compose runs it");
        assertTrue(RepoFiles.text(RepoFiles.resolve(script)).contains("exec \"$entrypoint\" standalone-job \"$@\""));
        List<String> command = command("jobmanager");
        assertEquals(List.of("--job-classname", PaymentHealthJob.class.getName()), command);
        assertEquals(List.of("taskmanager"), command("taskmanager"));
        assertEquals("flink-job", services.path("jobmanager").path("build").path("target").asText());
        assertEquals("flink-job", services.path("taskmanager").path("build").path("target").asText());
        String dockerfile = RepoFiles.text(RepoFiles.resolve("Dockerfile"));
        assertTrue(dockerfile.contains(" AS flink-job"), "the Dockerfile has the flink-job target");
        assertTrue(dockerfile.contains("/flink-jobs/target/paypulse-flink-jobs-"), "it carries the job jar");
        Set<String> known = Set.of(JobManagerOptions.ADDRESS.key(), CoreOptions.DEFAULT_PARALLELISM.key(),
                TaskManagerOptions.NUM_TASK_SLOTS.key(), CheckpointingOptions.CHECKPOINT_STORAGE.key(),
                CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.key(), StateBackendOptions.STATE_BACKEND.key(),
                CheckpointingOptions.INCREMENTAL_CHECKPOINTS.key());
        // The pipeline health reporter, configured as the job configures it on a MiniCluster.
        Map<String, String> reporter = PaymentHealthRunner.reporterOptions(JobConfig.fromEnv(
                Map.of(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, "kafka:19092")));
        String factory = "metrics.reporter." + PaymentHealthRunner.REPORTER_NAME + ".factory.class";
        String servers = "metrics.reporter." + PaymentHealthRunner.REPORTER_NAME + ".bootstrap-servers";
        for (String service : List.of("jobmanager", "taskmanager")) {
            Map<String, String> flink = flinkProperties(service);
            Set<String> unknown = new java.util.TreeSet<>(flink.keySet());
            unknown.removeAll(known);
            unknown.removeAll(reporter.keySet());
            assertEquals(Set.of(), unknown, service + " sets Flink options that exist");
            assertEquals("jobmanager", flink.get(JobManagerOptions.ADDRESS.key()), service);
            assertEquals(reporter.get(factory), flink.get(factory), service + " loads the pipeline health reporter");
            assertEquals(reporter.get(servers), flink.get(servers), service + "'s reporter reaches Kafka inside compose");
        }
        assertTrue(dockerfile.contains("/opt/flink/plugins/paypulse-metrics/"), "the job jar is also a reporter plugin");
        for (String service : List.of("jobmanager", "taskmanager")) {
            assertEquals("rocksdb", flinkProperties(service).get(StateBackendOptions.STATE_BACKEND.key()), service);
            assertEquals("true", flinkProperties(service).get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS.key()), service);
        }
        String checkpoints = flinkProperties("jobmanager").get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        assertEquals(checkpoints, flinkProperties("taskmanager").get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()));
        String mount = "flink-checkpoints:" + URI.create(checkpoints).getPath();
        assertTrue(volumes("jobmanager").contains(mount) && volumes("taskmanager").contains(mount),
                "both Flink processes share the checkpoint volume " + mount);
    }

    @Test
    void longRunningServicesHaveHealthchecksAndStartInOrder() {
        for (String name : LONG_RUNNING) {
            assertTrue(services.path(name).path("healthcheck").path("test").size() > 0, name + " has a healthcheck");
        }
        assertDependsOn("migrate", "clickhouse", "service_healthy");
        assertDependsOn("bridge", "kafka", "service_healthy");
        assertDependsOn("bridge", "migrate", "service_completed_successfully");
        assertDependsOn("jobmanager", "clickhouse", "service_healthy");
        assertDependsOn("jobmanager", "migrate", "service_completed_successfully");
        assertDependsOn("jobmanager", "bridge", "service_healthy");
        assertDependsOn("taskmanager", "jobmanager", "service_started");
        assertDependsOn("grafana", "clickhouse", "service_healthy");
        assertDependsOn("grafana", "migrate", "service_completed_successfully");
        assertDependsOn("simulator", "bridge", "service_healthy");
    }

    @Test
    void dataLivesInDeclaredVolumes() {
        Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new TreeSet<>();
        for (String name : SERVICES) {
            for (String volume : volumes(name)) {
                String source = volume.split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    used.add(source);
                }
            }
        }
        assertEquals(declared, used, "every named volume is declared, and every declared one used");
        for (String name : List.of("kafka", "clickhouse", "grafana", "jobmanager")) {
            assertTrue(volumes(name).stream().anyMatch(v -> declared.contains(v.split(":")[0])), name + " keeps its data");
        }
    }

    @Test
    void grafanaMountsTheProvisioningOfThisRepository() {
        Map<String, String> mounts = new HashMap<>();
        for (String volume : volumes("grafana")) {
            String[] parts = volume.split(":");
            if (parts[0].startsWith(".")) {
                Path source = RepoFiles.resolve(parts[0]);
                assertTrue(Files.isDirectory(source), "grafana mounts " + parts[0] + ", which exists");
                mounts.put(parts[1], parts[0]);
            }
        }
        assertEquals("./" + GrafanaDashboards.DATASOURCES_DIR, mounts.get("/etc/grafana/provisioning/datasources"));
        assertEquals("./" + GrafanaDashboards.PROVIDERS_DIR, mounts.get("/etc/grafana/provisioning/dashboards"));
        for (Path provider : listYaml(RepoFiles.resolve(GrafanaDashboards.PROVIDERS_DIR))) {
            for (JsonNode p : RepoFiles.yaml(provider).path("providers")) {
                String path = p.path("options").path("path").asText();
                assertEquals("./" + GrafanaDashboards.DASHBOARDS_DIR, mounts.get(path),
                        "the provider's folder " + path + " is where the dashboards are mounted");
            }
        }
        String home = env("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        String homeFile = home.substring(home.lastIndexOf('/') + 1);
        assertEquals(GrafanaDashboards.FINANCIAL_HEALTH_UID,
                RepoFiles.json(RepoFiles.resolve(GrafanaDashboards.DASHBOARDS_DIR).resolve(homeFile)).path("uid").asText());
        // The datasource file reads its host and credentials from Grafana's environment.
        String datasource = listYaml(RepoFiles.resolve(GrafanaDashboards.DATASOURCES_DIR)).stream()
                .map(RepoFiles::text).reduce("", String::concat);
        for (var m = Pattern.compile("\\$\\{(\\w+)}").matcher(datasource); m.find(); ) {
            assertTrue(env("grafana").containsKey(m.group(1)), "grafana's environment sets " + m.group(1));
        }
    }

    @Test
    void theDashboardsQueryTheProvisionedDatasource() {
        String uid = GrafanaDashboards.clickHouseDatasource().path("uid").asText();
        for (GrafanaDashboards.Dashboard dashboard : GrafanaDashboards.load()) {
            for (GrafanaDashboards.Query query : dashboard.queries()) {
                assertEquals(uid, query.datasource().path("uid").asText(), query.toString());
            }
        }
    }

    @Test
    void theSimulatorOnlyRunsUnderItsProfile() {
        for (String name : SERVICES) {
            JsonNode profiles = services.path(name).path("profiles");
            if (name.equals("simulator")) {
                assertEquals("simulate", profiles.path(0).asText());
            } else {
                assertTrue(profiles.isMissingNode(), name + " starts with a plain `docker compose up`");
            }
        }
    }

    private static void assertReadsOnly(String service, Set<String> read, Set<String> required) {
        Set<String> set = env(service).keySet();
        Set<String> unknown = new TreeSet<>(set);
        unknown.removeAll(read);
        assertEquals(Set.of(), unknown, service + " sets variables no code reads (known: " + new TreeSet<>(read) + ")");
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(set);
        assertEquals(Set.of(), missing, service + " misses variables the code needs");
    }

    private static void assertDependsOn(String service, String dependency, String condition) {
        assertEquals(condition, services.path(service).path("depends_on").path(dependency).path("condition").asText(),
                service + " waits for " + dependency);
    }

    /** The public static final {@code ENV_*} names of a configuration class: the variables it reads. */
    static Set<String> envNames(Class<?> config) {
        Set<String> names = new TreeSet<>();
        for (Field field : config.getFields()) {
            int mod = field.getModifiers();
            if (field.getName().startsWith("ENV_") && Modifier.isStatic(mod) && Modifier.isFinal(mod)
                    && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertFalse(names.isEmpty(), config + " has ENV_ constants");
        return names;
    }

    private static Map<String, String> env(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = services.path(service).path("environment");
        assertTrue(node.isObject() || node.isMissingNode(), service + " environment is a map");
        node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static List<String> ports(String service) {
        List<String> ports = new ArrayList<>();
        services.path(service).path("ports").forEach(p -> ports.add(p.asText()));
        return ports;
    }

    private static List<String> volumes(String service) {
        List<String> volumes = new ArrayList<>();
        services.path(service).path("volumes").forEach(v -> volumes.add(v.asText()));
        return volumes;
    }

    private static List<String> command(String service) {
        List<String> command = new ArrayList<>();
        services.path(service).path("command").forEach(c -> command.add(c.asText()));
        return command;
    }

    private static Map<String, String> flinkProperties(String service) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : env(service).get("FLINK_PROPERTIES").split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                int colon = line.indexOf(':');
                properties.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return properties;
    }

    private static String flinkBaseImage() {
        for (String line : RepoFiles.text(RepoFiles.resolve("Dockerfile")).split("\n")) {
            if (line.startsWith("FROM ") && line.endsWith(" AS flink-job")) {
                return line.substring(5, line.length() - " AS flink-job".length()).strip();
            }
        }
        throw new AssertionError("the Dockerfile has no flink-job stage");
    }

    private static List<Path> listYaml(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
