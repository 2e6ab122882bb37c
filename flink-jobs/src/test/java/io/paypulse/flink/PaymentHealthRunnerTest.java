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
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static Path metadata(Path root, String job, String checkpoint, long modifiedMillis) throws Exception {
        Path file = Files.createDirectories(root.resolve(job).resolve(checkpoint)).resolve("_metadata");
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
        return file;
    }
}
