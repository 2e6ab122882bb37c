package io.paypulse.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.watermark.WatermarkDeclaration;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A test's source that holds its records back at a point the test decides, until the test lets them go.
 * A held reader reports nothing available, with the gate's future as its availability: its task stays
 * up and idle, so its mailbox runs (checkpoints are taken and complete on it, the timers of operators
 * chained to it fire), where a source blocked in its own code would stop all of that. Everything else
 * (splits, enumerator, checkpointed positions) is the wrapped source's own.
 *
 * <p>A source emitting at most one record per {@code pollNext} (the Kafka and data generator sources do)
 * is held record by record.
 */
public final class HeldSource<T, S extends SourceSplit, E> implements Source<T, S, E>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;
    private static final Object LOCK = new Object();

    /** When the readers hold. Serializable, so its state is static, in the test. */
    public interface Gate extends Serializable {

        /** Completed once the readers need not hold any more, for the rest of the job. */
        CompletableFuture<Void> opened();

        /** Whether the reader of {@code subtask} holds now; asked only until {@link #opened()}. */
        boolean holds(int subtask);

        /**
         * Whether, until {@link #opened()}, the check and the record a reader then emits are one step across
         * all readers in this JVM (the MiniCluster runs every subtask here), so that a gate counting the
         * records of all subtasks holds them at exactly its count. Only for a job whose emitting reader
         * cannot wait on another (no checkpoint barriers to align): one waiting on the lock cannot take a
         * checkpoint.
         */
        default boolean oneReaderAtATime() {
            return false;
        }
    }

    private final Source<T, S, E> source;
    private final TypeInformation<T> type;
    private final Gate gate;

    public <K extends Source<T, S, E> & ResultTypeQueryable<T>> HeldSource(K source, Gate gate) {
        this.source = source;
        this.type = source.getProducedType();
        this.gate = gate;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
        return source.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return source.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public Set<? extends WatermarkDeclaration> declareWatermarks() {
        return source.declareWatermarks();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new HeldReader<>(source.createReader(context), gate, context.getIndexOfSubtask());
    }

    private static final class HeldReader<T, S extends SourceSplit> implements SourceReader<T, S> {

        private final SourceReader<T, S> reader;
        private final Gate gate;
        private final int subtask;

        HeldReader(SourceReader<T, S> reader, Gate gate, int subtask) {
            this.reader = reader;
            this.gate = gate;
            this.subtask = subtask;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (gate.opened().isDone()) {
                return reader.pollNext(output);
            }
            if (!gate.oneReaderAtATime()) {
                return gate.holds(subtask) ? InputStatus.NOTHING_AVAILABLE : reader.pollNext(output);
            }
            synchronized (LOCK) {
                return gate.holds(subtask) ? InputStatus.NOTHING_AVAILABLE : reader.pollNext(output);
            }
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            CompletableFuture<Void> opened = gate.opened();
            return !opened.isDone() && gate.holds(subtask) ? opened : reader.isAvailable();
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public void addSplits(List<S> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            reader.pauseOrResumeSplits(toPause, toResume);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
