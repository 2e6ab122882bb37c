package io.paypulse.cli;

import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import io.paypulse.schemas.MigrationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code paypulse migrate}: applies the ClickHouse migrations in {@code schemas/clickhouse}. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
                "Apply the ClickHouse migrations to CLICKHOUSE_URL.",
                "Applies the migrations in schemas/clickhouse/migrations that are not yet applied, in order, and",
                "records them in <database>.schema_migrations. Safe to run again."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", description = "ClickHouse HTTP URL. Env: CLICKHOUSE_URL (default http://localhost:8123).")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "ClickHouse user. Env: CLICKHOUSE_USER (default default).")
    String user;

    @Option(names = "--database", paramLabel = "DB", description = "Database. Env: CLICKHOUSE_DATABASE (default paypulse).")
    String database;

    @Override
    public Integer call() {
        ClickHouseConfig config = ClickHouseConfig.fromEnv(EnvOverrides.fromSystem()
                .set(ClickHouseConfig.ENV_URL, url)
                .set(ClickHouseConfig.ENV_USER, user)
                .set(ClickHouseConfig.ENV_DATABASE, database)
                .asMap());
        Console.step("migrating " + config.database() + " at " + config.url());
        MigrationResult result = new ClickHouseMigrator(config).migrate();
        Console.done("applied " + result.applied() + ", already present " + result.alreadyPresent());
        return 0;
    }
}
