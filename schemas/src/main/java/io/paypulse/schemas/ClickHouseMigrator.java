package io.paypulse.schemas;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a ClickHouse database up to the bundled migrations: applies, in order, the files not yet
 * recorded in {@code schema_migrations}, and refuses to run if an applied file has changed since.
 */
public final class ClickHouseMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseMigrator.class);

    /** Bookkeeping table, one row per applied migration, in the migrated database. */
    public static final String MIGRATIONS_TABLE = "schema_migrations";

    private final ClickHouseConfig config;
    private final List<Migration> migrations;

    /** A migrator for the migrations bundled in the paypulse-schemas jar. */
    public ClickHouseMigrator(ClickHouseConfig config) {
        this(config, Migration.bundled());
    }

    /** A migrator for the given migrations, which must be in ascending version order. */
    public ClickHouseMigrator(ClickHouseConfig config, List<Migration> migrations) {
        this.config = Objects.requireNonNull(config, "config");
        this.migrations = List.copyOf(migrations);
        for (int i = 1; i < this.migrations.size(); i++) {
            if (this.migrations.get(i).version() <= this.migrations.get(i - 1).version()) {
                throw new IllegalArgumentException("Migrations must be in strictly increasing version order: "
                        + this.migrations.get(i - 1).fileName() + " before " + this.migrations.get(i).fileName());
            }
        }
    }

    /**
     * Applies the pending migrations.
     *
     * @throws MigrationException if ClickHouse cannot be reached or refuses the credentials, an
     *     applied migration changed, or a statement fails; the message says which and what to do
     */
    public MigrationResult migrate() {
        String database = config.database();
        try (Connection connection = connect()) {
            try (Statement statement = connection.createStatement()) {
                // The bookkeeping table is created here, not in a migration, because it has to exist
                // before the migrator can tell which migrations ran.
                run(statement, "CREATE DATABASE IF NOT EXISTS " + database, "creating database " + database);
                run(statement, "CREATE TABLE IF NOT EXISTS " + database + "." + MIGRATIONS_TABLE + " ("
                        + " version UInt32,"
                        + " name String,"
                        + " checksum String,"
                        + " applied_at DateTime64(3, 'UTC') DEFAULT now64(3)"
                        // Two migrators racing on one database may both record a version; the
                        // replacing engine keeps one row per version, and reads use FINAL.
                        + ") ENGINE = ReplacingMergeTree(applied_at) ORDER BY version",
                        "creating table " + database + "." + MIGRATIONS_TABLE);
            }
            Map<Integer, AppliedMigration> applied = readApplied(connection);
            verifyUnchanged(applied);

            List<Integer> appliedNow = new ArrayList<>();
            List<Integer> alreadyPresent = new ArrayList<>();
            for (Migration migration : migrations) {
                if (applied.containsKey(migration.version())) {
                    alreadyPresent.add(migration.version());
                } else {
                    apply(connection, migration);
                    appliedNow.add(migration.version());
                }
            }
            return new MigrationResult(database, appliedNow, alreadyPresent);
        } catch (SQLException e) {
            // Only close() gets here; the work itself reports its own failures.
            throw failure(e, "closing the connection");
        }
    }

    private Connection connect() {
        Properties props = config.jdbcProperties();
        // Fail in seconds rather than minutes when nothing listens at the URL.
        props.setProperty("connection_timeout", "10000");
        Connection connection;
        try {
            connection = DriverManager.getConnection(config.jdbcUrl(), props);
        } catch (SQLException e) {
            throw failure(e, "connecting");
        }
        // Some driver versions connect lazily; a first query makes an unreachable server or bad
        // credentials show up here, with the connection message, rather than as a failed CREATE.
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw failure(e, "connecting");
        }
    }

    private Map<Integer, AppliedMigration> readApplied(Connection connection) {
        Map<Integer, AppliedMigration> applied = new LinkedHashMap<>();
        String sql = "SELECT version, name, checksum FROM " + config.database() + "." + MIGRATIONS_TABLE
                + " FINAL ORDER BY version";
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                AppliedMigration row = new AppliedMigration(rs.getInt(1), rs.getString(2), rs.getString(3));
                applied.put(row.version(), row);
            }
        } catch (SQLException e) {
            throw failure(e, "reading " + config.database() + "." + MIGRATIONS_TABLE);
        }
        return applied;
    }

    private void verifyUnchanged(Map<Integer, AppliedMigration> applied) {
        Map<Integer, Migration> known = new LinkedHashMap<>();
        migrations.forEach(m -> known.put(m.version(), m));
        for (AppliedMigration row : applied.values()) {
            Migration migration = known.get(row.version());
            if (migration == null) {
                // A newer release migrated this database; older code can still run against it.
                LOG.warn("event=clickhouse_migration_unknown database={} version={} name={} action=none",
                        config.database(), row.version(), row.name());
            } else if (!migration.checksum().equals(row.checksum())) {
                throw new MigrationException("Migration " + migration.fileName() + " was changed after it was applied to "
                        + "database " + config.database() + " at " + config.url() + " (recorded checksum " + row.checksum()
                        + ", file now " + migration.checksum() + "). Refusing to continue: an applied migration must "
                        + "never change. Restore the file and put the change in a new migration file.");
            }
        }
    }

    private void apply(Connection connection, Migration migration) {
        long start = System.nanoTime();
        List<String> statements = migration.statements(config.database());
        try (Statement statement = connection.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                run(statement, statements.get(i), "applying " + migration.fileName() + " statement " + (i + 1)
                        + " of " + statements.size());
            }
        } catch (SQLException e) {
            throw failure(e, "applying " + migration.fileName());
        }
        // Recorded only after every statement succeeded: a run that dies half-way re-applies the
        // whole file next time, which is safe because every statement is IF NOT EXISTS.
        String insert = "INSERT INTO " + config.database() + "." + MIGRATIONS_TABLE
                + " (version, name, checksum) VALUES (?, ?, ?)";
        try (PreparedStatement record = connection.prepareStatement(insert)) {
            record.setInt(1, migration.version());
            record.setString(2, migration.name());
            record.setString(3, migration.checksum());
            record.executeUpdate();
        } catch (SQLException e) {
            throw failure(e, "recording " + migration.fileName() + " in " + config.database() + "." + MIGRATIONS_TABLE);
        }
        LOG.info("event=clickhouse_migration_applied url={} database={} version={} file={} statements={} checksum={} duration_ms={}",
                config.url(), config.database(), migration.version(), migration.fileName(), statements.size(),
                migration.checksum(), (System.nanoTime() - start) / 1_000_000);
    }

    private void run(Statement statement, String sql, String what) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw failure(e, what);
        }
    }

    /** Turns a driver exception into a message that says what to do, without the password. */
    private MigrationException failure(SQLException e, String what) {
        return new MigrationException(ClickHouseFailure.describe(e, config, what), e);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // The connection is being abandoned because of an earlier failure, which is what gets reported.
        }
    }

    private record AppliedMigration(int version, String name, String checksum) {
    }
}
