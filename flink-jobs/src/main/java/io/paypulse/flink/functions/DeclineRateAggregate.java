package io.paypulse.flink.functions;

import io.paypulse.flink.model.DimensionedAttempt;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts attempts, approvals, declines and outcome types of one window and dimension key. */
public class DeclineRateAggregate implements AggregateFunction<DimensionedAttempt, DeclineCounts, DeclineCounts> {

    private static final long serialVersionUID = 1L;

    @Override
    public DeclineCounts createAccumulator() {
        return new DeclineCounts();
    }

    @Override
    public DeclineCounts add(DimensionedAttempt value, DeclineCounts acc) {
        if (acc.key == null) {
            acc.key = value.key();
        }
        acc.attempts++;
        if (value.declined()) {
            acc.declined++;
        } else {
            acc.approved++;
        }
        switch (value.outcomeType()) {
            case "authorized" -> acc.outcomeAuthorized++;
            case "manual_review" -> acc.outcomeManualReview++;
            case "issuer_declined" -> acc.outcomeIssuerDeclined++;
            case "blocked" -> acc.outcomeBlocked++;
            case "invalid" -> acc.outcomeInvalid++;
            default -> acc.outcomeOther++;
        }
        return acc;
    }

    @Override
    public DeclineCounts getResult(DeclineCounts acc) {
        return acc;
    }

    @Override
    public DeclineCounts merge(DeclineCounts a, DeclineCounts b) {
        DeclineCounts m = new DeclineCounts();
        m.key = a.key != null ? a.key : b.key;
        m.attempts = a.attempts + b.attempts;
        m.approved = a.approved + b.approved;
        m.declined = a.declined + b.declined;
        m.outcomeAuthorized = a.outcomeAuthorized + b.outcomeAuthorized;
        m.outcomeManualReview = a.outcomeManualReview + b.outcomeManualReview;
        m.outcomeIssuerDeclined = a.outcomeIssuerDeclined + b.outcomeIssuerDeclined;
        m.outcomeBlocked = a.outcomeBlocked + b.outcomeBlocked;
        m.outcomeInvalid = a.outcomeInvalid + b.outcomeInvalid;
        m.outcomeOther = a.outcomeOther + b.outcomeOther;
        return m;
    }
}
