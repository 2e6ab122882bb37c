package io.paypulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The provisioned Grafana files under {@code dashboards/grafana}: the ClickHouse datasource, the dashboard
 * provider and the dashboards, with every SQL query a dashboard runs (panels, variables, annotations).
 */
final class GrafanaDashboards {

    static final String DASHBOARDS_DIR = "dashboards/grafana/dashboards";
    static final String DATASOURCES_DIR = "dashboards/grafana/provisioning/datasources";
    static final String PROVIDERS_DIR = "dashboards/grafana/provisioning/dashboards";
    static final String PLUGIN_TYPE = "grafana-clickhouse-datasource";
    static final String FINANCIAL_HEALTH_UID = "paypulse-financial-health";
    static final String PIPELINE_HEALTH_UID = "paypulse-pipeline-health";

    /** One dashboard file. */
    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }

        String title() {
            return json.path("title").asText();
        }

        List<JsonNode> panels() {
            List<JsonNode> panels = new ArrayList<>();
            json.path("panels").forEach(panels::add);
            return panels;
        }

        List<JsonNode> variables() {
            List<JsonNode> variables = new ArrayList<>();
            json.path("templating").path("list").forEach(variables::add);
            return variables;
        }

        List<JsonNode> annotations() {
            List<JsonNode> annotations = new ArrayList<>();
            json.path("annotations").path("list").forEach(annotations::add);
            return annotations;
        }

        /** Every query of the dashboard: each panel target, each variable and each annotation. */
        List<Query> queries() {
            List<Query> queries = new ArrayList<>();
            for (JsonNode panel : panels()) {
                Duration minInterval = parseInterval(panel.path("interval").asText("1m"));
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(this, "panel " + panel.path("id").asInt() + " '" + panel.path("title").asText()
                            + "'", Kind.PANEL, target.path("rawSql").asText(), minInterval, target.path("datasource")));
                }
            }
            for (JsonNode variable : variables()) {
                queries.add(new Query(this, "variable $" + variable.path("name").asText(), Kind.VARIABLE,
                        variable.path("query").path("rawSql").asText(), Duration.ofMinutes(1), variable.path("datasource")));
            }
            for (JsonNode annotation : annotations()) {
                queries.add(new Query(this, "annotation '" + annotation.path("name").asText() + "'", Kind.ANNOTATION,
                        annotation.path("target").path("rawSql").asText(), Duration.ofMinutes(1),
                        annotation.path("datasource")));
            }
            return queries;
        }
    }

    enum Kind { PANEL, VARIABLE, ANNOTATION }

    /** One SQL query of a dashboard, and the datasource it names. */
    record Query(Dashboard dashboard, String name, Kind kind, String rawSql, Duration minInterval, JsonNode datasource) {
        @Override
        public String toString() {
            return dashboard.uid() + " " + name;
        }
    }

    private GrafanaDashboards() {
    }

    static List<Dashboard> load() {
        try (Stream<Path> files = Files.list(RepoFiles.resolve(DASHBOARDS_DIR))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(f -> new Dashboard(f, RepoFiles.json(f))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard byUid(String uid) {
        return load().stream().filter(d -> d.uid().equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard with uid " + uid + " in " + DASHBOARDS_DIR));
    }

    /** The single provisioned ClickHouse datasource. */
    static JsonNode clickHouseDatasource() {
        List<JsonNode> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(RepoFiles.resolve(DATASOURCES_DIR))) {
            files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).forEach(f -> {
                for (JsonNode ds : RepoFiles.yaml(f).path("datasources")) {
                    if (PLUGIN_TYPE.equals(ds.path("type").asText())) {
                        found.add(ds);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one " + PLUGIN_TYPE + " datasource in " + DATASOURCES_DIR + ", found " + found.size());
        }
        return found.get(0);
    }

    /** Grafana's interval syntax as panels use it: {@code 30s}, {@code 1m}, {@code 1h}. */
    static Duration parseInterval(String text) {
        String t = text.strip();
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("not a Grafana interval: " + text);
        };
    }
}
