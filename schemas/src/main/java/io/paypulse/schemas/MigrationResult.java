package io.paypulse.schemas;

import java.util.List;

/**
 * What a migration run did to one database.
 *
 * @param database the database migrated
 * @param applied versions applied by this run, in order
 * @param alreadyPresent versions that were applied before and left alone
 */
public record MigrationResult(String database, List<Integer> applied, List<Integer> alreadyPresent) {

    public MigrationResult {
        applied = List.copyOf(applied);
        alreadyPresent = List.copyOf(alreadyPresent);
    }
}
