package io.paypulse.infra.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Data folders of local servers: temporary ones are created here and deleted when their server closes, or at JVM
 * exit at the latest, unless they hold the log of a failed start.
 */
public final class DataDirs {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirs.class);
    private static final Set<Path> TEMPORARY = ConcurrentHashMap.newKeySet();

    private DataDirs() {
    }

    public static Path createTemp(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix).toAbsolutePath();
            TEMPORARY.add(dir);
            ChildProcess.installExitHook();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    public static Path create(Path dir) {
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Keeps a temporary folder after JVM exit, because the message of a failed start points to the log in it. */
    public static void keepAfterExit(Path dir) {
        TEMPORARY.remove(dir);
    }

    /** Deletes a folder tree; a failure is logged, not thrown, because it only ever happens during cleanup. */
    public static void delete(Path root) {
        TEMPORARY.remove(root);
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("event=delete_failed path={} error={}", root, e.toString());
        }
    }

    static void deleteTemporaryAtExit() {
        List.copyOf(TEMPORARY).forEach(DataDirs::delete);
    }
}
