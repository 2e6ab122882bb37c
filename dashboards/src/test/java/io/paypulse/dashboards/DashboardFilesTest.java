package io.paypulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.paypulse.dashboards.GrafanaDashboards.Dashboard;
import io.paypulse.dashboards.GrafanaDashboards.Query;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.schemas.ClickHouseConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana files hold together: both dashboards parse with their fixed uids, every panel queries the
 * provisioned ClickHouse datasource with the plugin's macros, and every table a query reads is one the
 * migrations in {@code schemas/} create.
 */
class DashboardFilesTest {

    private static final Pattern MACRO = Pattern.compile("\\$__(\\w+)");
    private static final Pattern VARIABLE_REF = Pattern.compile("\\$(?!__)(\\w+)|\\$\\{(\\w+)}|\\[\\[(\\w+)]]");
    private static final Pattern TABLE_REF = Pattern.compile("\\bpaypulse\\.(\\w+)");
    private static final Pattern CREATED = Pattern.compile("CREATE\\s+(?:TABLE|VIEW)\\s+IF\\s+NOT\\s+EXISTS\\s+\\$\\{database}\\.(\\w+)");

    @Test
    void theTwoDashboardsHaveTheirUidsAndTitles() {
        assertEquals(List.of(GrafanaDashboards.FINANCIAL_HEALTH_UID, GrafanaDashboards.PIPELINE_HEALTH_UID),
                GrafanaDashboards.load().stream().map(Dashboard::uid).sorted().toList());
        assertTrue(GrafanaDashboards.byUid(GrafanaDashboards.FINANCIAL_HEALTH_UID).title().contains("Financial health"));
        assertTrue(GrafanaDashboards.byUid(GrafanaDashboards.PIPELINE_HEALTH_UID).title().contains("Pipeline health"));
    }

    @Test
    void pagesLinkToTheFinancialHealthDashboard() {
        assertEquals("/d/" + GrafanaDashboards.FINANCIAL_HEALTH_UID, AlertingConfig.DASHBOARD_PATH);
    }

    @Test
    void theDatasourceIsClickHouseOverHttpOnTheDefaultPortAndDatabase() {
        JsonNode ds = GrafanaDashboards.clickHouseDatasource();
        assertEquals("http", ds.path("jsonData").path("protocol").asText());
        assertEquals(URI.create(ClickHouseConfig.DEFAULT_URL).getPort(), ds.path("jsonData").path("port").asInt());
        assertEquals(ClickHouseConfig.DEFAULT_DATABASE, ds.path("jsonData").path("defaultDatabase").asText());
        assertFalse(ds.path("uid").asText().isBlank(), "the dashboards name the datasource by uid");
    }

    @Test
    void everyPanelQueriesTheProvisionedClickHouseDatasource() {
        String uid = GrafanaDashboards.clickHouseDatasource().path("uid").asText();
        for (Dashboard dashboard : GrafanaDashboards.load()) {
            Set<Integer> ids = new HashSet<>();
            Set<String> titles = new HashSet<>();
            assertFalse(dashboard.panels().isEmpty(), dashboard.uid());
            for (JsonNode panel : dashboard.panels()) {
                String name = dashboard.uid() + " panel '" + panel.path("title").asText() + "'";
                assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + name);
                assertTrue(titles.add(panel.path("title").asText()), "panel titles are unique: " + name);
                assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"), name + " has a position");
                assertTrue(panel.path("targets").size() >= 1, name + " has a query");
                for (JsonNode target : panel.path("targets")) {
                    assertEquals(GrafanaDashboards.PLUGIN_TYPE, target.path("datasource").path("type").asText(), name);
                    assertEquals(uid, target.path("datasource").path("uid").asText(), name);
                    assertEquals("sql", target.path("editorType").asText(), name);
                }
            }
            for (Query query : dashboard.queries()) {
                assertEquals(GrafanaDashboards.PLUGIN_TYPE, query.datasource().path("type").asText(), query.toString());
                assertEquals(uid, query.datasource().path("uid").asText(), query.toString());
            }
        }
    }

    @Test
    void everyQueryUsesOnlyThePluginsMacrosAndTheDashboardsVariables() {
        for (Dashboard dashboard : GrafanaDashboards.load()) {
            Set<String> variables = new HashSet<>();
            for (JsonNode variable : dashboard.variables()) {
                variables.add(variable.path("name").asText());
                // GrafanaMacros formats values as a multi-value variable's list, and the ITCase runs All by default.
                assertTrue(variable.path("multi").asBoolean() && variable.path("includeAll").asBoolean(),
                        "variable " + variable.path("name") + " is multi-value with All");
                assertEquals("$__all", variable.path("current").path("value").path(0).asText(),
                        "variable " + variable.path("name") + " defaults to All");
            }
            for (Query query : dashboard.queries()) {
                String sql = query.rawSql();
                assertFalse(sql.isBlank(), query + " has SQL");
                Set<String> macros = new TreeSet<>();
                Matcher m = MACRO.matcher(sql);
                while (m.find()) {
                    macros.add(m.group(1));
                }
                assertFalse(macros.isEmpty(), query + " uses the time range through a macro");
                macros.remove("conditionalAll");
                assertTrue(GrafanaMacros.BACKEND_MACROS.containsAll(macros), query + " uses only the plugin's macros: " + macros);
                Matcher v = VARIABLE_REF.matcher(sql);
                while (v.find()) {
                    String name = v.group(1) != null ? v.group(1) : v.group(2) != null ? v.group(2) : v.group(3);
                    assertTrue(variables.contains(name), query + " names variable $" + name + " the dashboard defines");
                }
            }
        }
    }

    @Test
    void everyTableAQueryReadsIsCreatedByTheMigrations() throws IOException {
        Set<String> created = new HashSet<>();
        try (Stream<Path> files = Files.list(RepoFiles.resolve("schemas/clickhouse/migrations"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher m = CREATED.matcher(RepoFiles.text(file));
                while (m.find()) {
                    created.add(m.group(1));
                }
            }
        }
        List<String> unknown = new ArrayList<>();
        for (Dashboard dashboard : GrafanaDashboards.load()) {
            for (Query query : dashboard.queries()) {
                Matcher m = TABLE_REF.matcher(query.rawSql());
                while (m.find()) {
                    if (!created.contains(m.group(1))) {
                        unknown.add(query + ": paypulse." + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "tables the migrations create: " + created.stream().sorted().collect(Collectors.joining(", ")));
    }
}
