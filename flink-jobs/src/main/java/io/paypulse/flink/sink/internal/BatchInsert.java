package io.paypulse.flink.sink.internal;

import java.util.List;

/** One attempt to insert a batch, over a connection it opens on demand and can be told to replace. */
interface BatchInsert {

    /** Inserts {@code rows} in order as one statement, or throws and leaves the table as ClickHouse left it. */
    void insert(List<Object[]> rows) throws Exception;

    /** Closes the current connection, if any; the next {@link #insert} opens a new one. */
    void discardConnection();
}
