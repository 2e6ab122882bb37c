package io.paypulse.schemas;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where and as whom to reach ClickHouse over HTTP, and which database holds paypulse's tables;
 * parsed once from the environment. {@link #toString()} never shows the password.
 *
 * @param url HTTP(S) base URL of the server, e.g. {@code http://localhost:8123}, without a trailing slash
 * @param user ClickHouse user
 * @param password the user's password, possibly empty
 * @param database database holding paypulse's tables
 */
public record ClickHouseConfig(String url, String user, String password, String database) {

    public static final String ENV_URL = "CLICKHOUSE_URL";
    public static final String ENV_USER = "CLICKHOUSE_USER";
    public static final String ENV_PASSWORD = "CLICKHOUSE_PASSWORD";
    public static final String ENV_DATABASE = "CLICKHOUSE_DATABASE";

    public static final String DEFAULT_URL = "http://localhost:8123";
    public static final String DEFAULT_USER = "default";
    public static final String DEFAULT_DATABASE = "paypulse";

    // Unquoted ClickHouse identifier: the name is spliced into DDL, so nothing that needs quoting.
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public ClickHouseConfig {
        url = normalizeUrl(url);
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException(ENV_USER + " is empty: set it to a ClickHouse user, e.g. " + DEFAULT_USER);
        }
        Objects.requireNonNull(password, "password (use \"\" for none)");
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException(ENV_DATABASE + " '" + database
                    + "' is not a plain database name: use letters, digits and _, not starting with a digit");
        }
    }

    /** Reads {@code CLICKHOUSE_URL}, {@code _USER}, {@code _PASSWORD}, {@code _DATABASE} from the process environment. */
    public static ClickHouseConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Reads the configuration from {@code env}; unset or blank variables take their defaults. */
    public static ClickHouseConfig fromEnv(Map<String, String> env) {
        return new ClickHouseConfig(
                valueOr(env, ENV_URL, DEFAULT_URL),
                valueOr(env, ENV_USER, DEFAULT_USER),
                // The password is taken as-is: blanks may be part of it.
                env.getOrDefault(ENV_PASSWORD, ""),
                valueOr(env, ENV_DATABASE, DEFAULT_DATABASE));
    }

    /** The same server and credentials with another database; tests use one database each. */
    public ClickHouseConfig withDatabase(String otherDatabase) {
        return new ClickHouseConfig(url, user, password, otherDatabase);
    }

    /**
     * JDBC URL for clickhouse-jdbc 0.9.x: {@code jdbc:clickhouse:} followed by the HTTP URL. No
     * database in the path, so the connection does not depend on the database existing yet, and no
     * credentials, which go in connection properties where they cannot leak into a logged URL.
     */
    public String jdbcUrl() {
        return "jdbc:clickhouse:" + url;
    }

    /** Connection properties for {@link #jdbcUrl()} holding the credentials; callers add their own settings. */
    public Properties jdbcProperties() {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return props;
    }

    /** A JDBC connection with the credentials and the driver's defaults. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), jdbcProperties());
    }

    @Override
    public String toString() {
        return "ClickHouseConfig[url=" + url + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(empty)" : "****") + ", database=" + database + "]";
    }

    private static String valueOr(Map<String, String> env, String key, String defaultValue) {
        String value = env.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static String normalizeUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(ENV_URL + " is empty: set it to the HTTP interface, e.g. " + DEFAULT_URL);
        }
        String shown = withoutUserInfo(url.trim());
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENV_URL + " '" + shown + "' is not a URL: " + e.getReason()
                    + "; expected e.g. " + DEFAULT_URL);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(ENV_URL + " '" + shown + "' must start with http:// or https:// "
                    + "(ClickHouse's HTTP interface, port 8123 or 8443), e.g. " + DEFAULT_URL);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(ENV_URL + " '" + shown + "' has no host; expected e.g. " + DEFAULT_URL);
        }
        if (uri.getRawUserInfo() != null) {
            // Echoing the URL here would print the password, so this message must not.
            throw new IllegalArgumentException(ENV_URL + " must not contain credentials; set "
                    + ENV_USER + " and " + ENV_PASSWORD + " instead");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(ENV_URL + " '" + shown + "' must be only scheme, host and port, "
                    + "e.g. " + DEFAULT_URL + "; the database comes from " + ENV_DATABASE);
        }
        return scheme + "://" + uri.getRawAuthority();
    }

    // A URL like http://user:secret@host must never be echoed as typed.
    private static String withoutUserInfo(String url) {
        int at = url.lastIndexOf('@');
        int start = url.indexOf("://");
        return at < 0 ? url : (start < 0 ? "" : url.substring(0, start + 3)) + "****" + url.substring(at);
    }
}
