package io.paypulse.dashboards;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JobManager entrypoint of docker-compose.yml, run with bash against checkpoint directories laid out
 * as Flink writes them ({@code <dir>/<job id>/chk-<n>/_metadata}) and a stand-in for the Flink image's
 * entrypoint that prints the arguments it was given.
 */
class JobManagerEntrypointTest {

    private static final Path SCRIPT = RepoFiles.resolve("flink-jobs/src/main/docker/jobmanager-from-checkpoint.sh");

    @TempDir
    Path dir;

    @Test
    void withoutACompletedCheckpointTheJobStartsWithEmptyState() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        // A checkpoint that never completed has no _metadata.
        Files.createDirectories(checkpoints.resolve("0000/chk-1"));

        Result r = run(checkpoints);
        assertEquals(List.of("standalone-job", "--job-classname", "io.paypulse.flink.PaymentHealthJob"), r.args());
        assertEquals("paypulse: no completed checkpoint in " + checkpoints
                + ": starting the payment health job with empty state", r.output());

        assertEquals(List.of("standalone-job", "--job-classname", "io.paypulse.flink.PaymentHealthJob"),
                run(dir.resolve("never-created")).args());
    }

    @Test
    void theNewestCompletedCheckpointOfAnyJobIdIsResumed() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        completed(checkpoints.resolve("aaaa/chk-40"), Instant.parse("2026-11-20T10:00:00Z"));
        completed(checkpoints.resolve("bbbb/chk-7"), Instant.parse("2026-11-24T10:00:00Z"));
        completed(checkpoints.resolve("bbbb/chk-6"), Instant.parse("2026-11-24T09:59:30Z"));
        // Newer, but still being written: no _metadata yet.
        Files.createDirectories(checkpoints.resolve("bbbb/chk-8"));
        // A savepoint or a stray file elsewhere is not a checkpoint.
        Files.writeString(checkpoints.resolve("_metadata"), "x");

        Result r = run(checkpoints);
        Path newest = checkpoints.resolve("bbbb/chk-7");
        assertEquals(List.of("standalone-job", "--job-classname", "io.paypulse.flink.PaymentHealthJob", "--fromSavepoint",
                newest.toString()), r.args());
        assertEquals("paypulse: resuming the payment health job from its newest checkpoint, " + newest, r.output());
    }

    private static void completed(Path chk, Instant at) throws Exception {
        Files.createDirectories(chk);
        Path metadata = Files.writeString(chk.resolve("_metadata"), "metadata");
        Files.setLastModifiedTime(metadata, FileTime.from(at));
    }

    private record Result(String output, List<String> args) {
    }

    private Result run(Path checkpoints) throws Exception {
        Path fake = dir.resolve("fake-entrypoint.sh");
        Path argsFile = dir.resolve("args");
        Files.deleteIfExists(argsFile);
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + argsFile + "'\n");
        assertTrue(fake.toFile().setExecutable(true));
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "--job-classname", "io.paypulse.flink.PaymentHealthJob")
                .redirectErrorStream(true);
        pb.environment().put("PAYPULSE_CHECKPOINT_DIR", checkpoints.toString());
        pb.environment().put("FLINK_ENTRYPOINT", fake.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ends");
        assertEquals(0, p.exitValue(), output);
        return new Result(output, Files.readAllLines(argsFile));
    }
}
