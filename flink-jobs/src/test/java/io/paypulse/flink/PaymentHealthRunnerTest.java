package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaymentHealthRunnerTest {

    @Test
    void checkpointsExactlyOnceAndRestartsWithBackoff() {
        Configuration conf = PaymentHealthRunner.flinkConfiguration(
                JobConfig.fromEnv(Map.of(JobConfig.ENV_CHECKPOINT_INTERVAL, "10s")));
        assertEquals(Duration.ofSeconds(10), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(CheckpointingMode.EXACTLY_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
    }

    @Test
    void resumesFromTheNewestCompletedCheckpoint(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), PaymentHealthRunner.latestCheckpoint(dir.resolve("missing")));
        assertEquals(Optional.empty(), PaymentHealthRunner.latestCheckpoint(dir));
        Path older = metadata(dir, "1111", "chk-7", 1_000);
        Path newer = metadata(dir, "2222", "chk-3", 2_000);
        // A checkpoint still being written has no _metadata yet, so it cannot be chosen.
        Files.createDirectories(dir.resolve("2222").resolve("chk-4"));
        assertEquals(Optional.of(newer.getParent()), PaymentHealthRunner.latestCheckpoint(dir));
        Files.setLastModifiedTime(older, FileTime.fromMillis(3_000));
        assertEquals(Optional.of(older.getParent()), PaymentHealthRunner.latestCheckpoint(dir));
    }

    @Test
    void resumingRemovesTheCheckpointsOfEarlierRunsAndNothingElse(@TempDir Path dir) throws Exception {
        String oldest = "0123456789abcdef0123456789abcdef";
        String older = "11111111111111111111111111111111";
        String resumed = "22222222222222222222222222222222";
        String newer = "33333333333333333333333333333333";
        metadata(dir, oldest, "chk-3", 1_000);
        metadata(dir, older, "chk-9", 2_000);
        Files.write(Files.createDirectories(dir.resolve(older).resolve("shared")).resolve("state"), new byte[] {2});
        Path resumeFrom = metadata(dir, resumed, "chk-14", 3_000).getParent();
        // A run newer than the checkpoint resumed from that never completed one of its own (it died before its
        // first, or it is running): nothing to resume from, but nothing older either, so it stays.
        Files.createDirectories(dir.resolve(newer).resolve("chk-1"));
        Files.createDirectories(dir.resolve("notes"));
        lastWritten(dir.resolve(oldest), 1_000);
        lastWritten(dir.resolve(older), 2_500);
        lastWritten(dir.resolve(resumed), 3_000);
        lastWritten(dir.resolve(newer), 4_000);
        lastWritten(dir.resolve("notes"), 500);

        assertEquals(Optional.of(resumeFrom), PaymentHealthRunner.latestCheckpoint(dir));
        List<Path> removed = PaymentHealthRunner.pruneOlderJobs(dir, resumeFrom);

        assertEquals(Set.of(dir.resolve(oldest), dir.resolve(older)), Set.copyOf(removed));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(Set.of(resumed, newer, "notes"), left.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertTrue(Files.isRegularFile(resumeFrom.resolve("_metadata")));
        assertEquals(List.of(), PaymentHealthRunner.pruneOlderJobs(dir, resumeFrom), "a second start removes nothing");
    }

    /** Sets the modification time of {@code tree} and of everything in it. */
    private static void lastWritten(Path tree, long millis) throws Exception {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.toList()) {
                Files.setLastModifiedTime(path, FileTime.fromMillis(millis));
            }
        }
    }

    private static Path metadata(Path root, String job, String checkpoint, long modifiedMillis) throws Exception {
        Path file = Files.createDirectories(root.resolve(job).resolve(checkpoint)).resolve("_metadata");
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
        return file;
    }
}
