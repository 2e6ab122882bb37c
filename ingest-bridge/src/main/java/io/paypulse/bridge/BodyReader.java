package io.paypulse.bridge;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a request body without blocking a thread, and stops as soon as it passes the size limit,
 * so an oversized body is refused without being read in full.
 */
final class BodyReader implements Runnable {

    /** What to do with the outcome. Exactly one method is called, once. */
    interface Listener {
        void onBody(byte[] body);

        void onTooLarge();

        void onFailure(Throwable failure);
    }

    private final Request request;
    private final int maxBytes;
    private final Listener listener;
    private byte[] buffer;
    private int size;

    BodyReader(Request request, int maxBytes, Listener listener) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.listener = listener;
        long declared = request.getLength();
        this.buffer = new byte[declared > 0 && declared <= maxBytes ? (int) declared : 4096];
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                listener.onFailure(chunk.getFailure());
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if ((long) size + n > maxBytes) {
                chunk.release();
                listener.onTooLarge();
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(maxBytes, Math.max(buffer.length * 2, size + n)));
            }
            bytes.get(buffer, size, n);
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                listener.onBody(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                return;
            }
        }
    }
}
