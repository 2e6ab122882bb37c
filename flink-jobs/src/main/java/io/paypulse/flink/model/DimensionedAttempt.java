package io.paypulse.flink.model;

/** A payment attempt on its way into the window of one dimension set. */
public record DimensionedAttempt(DimensionKey key, PaymentAttempt attempt) {
}
