package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules every bundled migration file has to follow, checked without a server. */
class MigrationFilesTest {

    private static final Pattern CREATE_OR_ALTER = Pattern.compile("(?is)^(CREATE|ALTER)\\b.*");
    private static final Pattern IF_NOT_EXISTS = Pattern.compile("(?is).*\\bIF\\s+NOT\\s+EXISTS\\b.*");
    /** A view replaced whole is as idempotent as one created if missing. */
    private static final Pattern OR_REPLACE_VIEW = Pattern.compile("(?is)^CREATE\\s+OR\\s+REPLACE\\s+VIEW\\b.*");
    /** Setting a column's comment rewrites metadata only: the second time it sets the same text again. */
    private static final Pattern COMMENT_COLUMN = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+\\S+\\s+COMMENT\\s+COLUMN\\s+\\w+\\s+'.*'$");

    @Test
    void bundledMigrationsStartAtOneAndAreConsecutive() {
        List<Migration> migrations = Migration.bundled();
        assertFalse(migrations.isEmpty());
        for (int i = 0; i < migrations.size(); i++) {
            assertEquals(i + 1, migrations.get(i).version(), migrations.get(i).fileName());
        }
        assertEquals("V001__stripe_events.sql", migrations.get(0).fileName());
    }

    @Test
    void indexListsEverySqlFileInTheFolder() throws Exception {
        // The index exists because jars cannot be listed; in the build's classes folder they can,
        // which catches a file that was added but never listed.
        URL index = getClass().getClassLoader().getResource(Migration.INDEX);
        assertEquals("file", index.getProtocol(), "run from the classes folder");
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(Path.of(index.toURI()).getParent())) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> listed = Migration.bundled().stream().map(Migration::fileName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(onDisk, listed);
    }

    @Test
    void everyStatementIsIdempotentAndNamesItsDatabase() {
        for (Migration migration : Migration.bundled()) {
            List<String> raw = SqlScript.split(migration.sql());
            assertFalse(raw.isEmpty(), migration.fileName());
            for (int i = 0; i < raw.size(); i++) {
                String where = migration.fileName() + " statement " + (i + 1);
                String statement = raw.get(i);
                // A re-run after a crash applies the whole file again, so each statement must be a
                // no-op the second time.
                assertTrue(CREATE_OR_ALTER.matcher(statement).matches(), where + " should be CREATE or ALTER");
                assertTrue(IF_NOT_EXISTS.matcher(statement).matches() || OR_REPLACE_VIEW.matcher(statement).matches()
                                || COMMENT_COLUMN.matcher(statement).matches(),
                        where + " lacks IF NOT EXISTS (or is not CREATE OR REPLACE VIEW, or a column comment)");
                assertTrue(statement.contains("${database}"), where + " should qualify names with ${database}");
            }
        }
    }

    @Test
    void statementsResolveTheDatabasePlaceholder() {
        Migration v1 = Migration.bundled().get(0);
        List<String> statements = v1.statements("it_db_1");
        assertEquals("CREATE DATABASE IF NOT EXISTS it_db_1", statements.get(0));
        assertTrue(statements.get(1).startsWith("CREATE TABLE IF NOT EXISTS it_db_1.stripe_events"), statements.get(1));
        statements.forEach(s -> assertFalse(s.contains("${"), s));
        // The COMMENT text holds a ';' that must not have cut the statement.
        assertEquals(2, statements.size());
    }

    @Test
    void checksumIsSha256OfTheTextAndIgnoresLineEndings() {
        Migration unix = Migration.of("V007__x.sql", "CREATE TABLE IF NOT EXISTS ${database}.t (a UInt8)\nENGINE = Memory;\n");
        Migration windows = Migration.of("V007__x.sql", "CREATE TABLE IF NOT EXISTS ${database}.t (a UInt8)\r\nENGINE = Memory;\r\n");
        assertEquals(unix.checksum(), windows.checksum());
        assertEquals(64, unix.checksum().length());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Migration.of("V001__e.sql", "").checksum());
        assertEquals(7, unix.version());
        assertEquals("x", unix.name());
    }

    @Test
    void badFileNamesAreRejected() {
        for (String name : new String[] {"V1__x.sql", "V001_x.sql", "001__x.sql", "V001__X.sql", "V001__x.SQL", "V0001__x.sql"}) {
            assertThrows(IllegalArgumentException.class, () -> Migration.of(name, ""), name);
        }
    }

    @Test
    void unknownPlaceholderIsRejected() {
        Migration m = Migration.of("V002__x.sql", "CREATE TABLE IF NOT EXISTS ${db}.t (a UInt8) ENGINE = Memory");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.statements("paypulse"));
        assertTrue(e.getMessage().contains("V002__x.sql"), e.getMessage());
    }

    @Test
    void indexOutOfOrderIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migration.fromIndex("V001__stripe_events.sql\nV001__stripe_events.sql\n", "index.txt"));
        assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
    }

    @Test
    void migratorRejectsUnorderedMigrations() {
        Migration one = Migration.of("V001__a.sql", "");
        Migration two = Migration.of("V002__b.sql", "");
        ClickHouseConfig config = ClickHouseConfig.fromEnv(java.util.Map.of());
        assertThrows(IllegalArgumentException.class, () -> new ClickHouseMigrator(config, List.of(two, one)));
    }
}
