package io.paypulse.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ClickHouse migration file, {@code V<version>__<name>.sql}, with the checksum that pins its text
 * once applied.
 *
 * @param version version from the file name, applied in ascending order
 * @param name descriptive part of the file name
 * @param sql file text, line endings normalized to {@code \n}
 * @param checksum SHA-256 of {@code sql}, lowercase hex
 */
public record Migration(int version, String name, String sql, String checksum) {

    /** Classpath folder of the bundled migrations. */
    public static final String DIRECTORY = ClasspathContracts.PREFIX + "clickhouse/migrations/";

    /** The ordered list of files in {@link #DIRECTORY}, because a jar's folders cannot be listed reliably. */
    public static final String INDEX = DIRECTORY + "index.txt";

    static final Pattern FILE_NAME = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.sql");

    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("Migration version must be at least 1, was " + version);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** A migration from a file name and its text; the checksum is computed here. */
    public static Migration of(String fileName, String text) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("Migration file " + fileName
                    + " is not named V<version>__<name>.sql, e.g. V002__payment_attempts.sql");
        }
        // Normalized so that a checkout with Windows line endings does not look like an edited file.
        String sql = text.replace("\r\n", "\n");
        return new Migration(Integer.parseInt(m.group(1)), m.group(2), sql, sha256(sql));
    }

    /** The migrations packed in the paypulse-schemas jar, in the order of its index. */
    public static List<Migration> bundled() {
        return fromIndex(ClasspathContracts.readText(INDEX), INDEX);
    }

    static List<Migration> fromIndex(String indexText, String indexName) {
        List<Migration> migrations = new ArrayList<>();
        for (String line : indexText.split("\n")) {
            String fileName = line.strip();
            if (fileName.isEmpty() || fileName.startsWith("#")) {
                continue;
            }
            Migration migration = of(fileName, ClasspathContracts.readText(DIRECTORY + fileName));
            if (!migrations.isEmpty() && migration.version() <= migrations.get(migrations.size() - 1).version()) {
                throw new IllegalStateException(indexName + " lists " + fileName + " after "
                        + migrations.get(migrations.size() - 1).fileName()
                        + ": versions must be unique and strictly increasing");
            }
            migrations.add(migration);
        }
        return List.copyOf(migrations);
    }

    /** The file name this migration came from, e.g. {@code V001__stripe_events.sql}. */
    public String fileName() {
        return String.format("V%03d__%s.sql", version, name);
    }

    /** The statements of this file with {@code ${database}} replaced; each is applied on its own. */
    public List<String> statements(String database) {
        List<String> statements = new ArrayList<>();
        for (String statement : SqlScript.split(sql)) {
            String resolved = statement.replace("${database}", database);
            if (resolved.contains("${")) {
                throw new IllegalStateException(fileName() + " uses a placeholder other than ${database}");
            }
            statements.add(resolved);
        }
        return statements;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Migration[" + fileName() + ", checksum=" + checksum + "]";
    }
}
