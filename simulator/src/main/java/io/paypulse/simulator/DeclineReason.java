package io.paypulse.simulator;

/**
 * Why a charge failed, as Stripe reports it on the charge: {@code failure_code},
 * {@code outcome.reason} (the decline code), {@code outcome.network_decline_code} from the issuer, and
 * {@code outcome.type}.
 *
 * @param failureCode        {@code card_declined}, {@code expired_card}, {@code insufficient_funds}, ...
 * @param declineCode        {@code outcome.reason}: {@code generic_decline}, {@code insufficient_funds}, ...
 * @param networkDeclineCode the issuer's ISO 8583 response code ({@code 05}, {@code 51}), or null when the
 *                           charge never reached the network
 * @param outcomeType        {@code issuer_declined}, {@code blocked} (Radar) or {@code invalid}
 * @param weight             how often, relative to the segment's other reasons
 */
public record DeclineReason(String failureCode, String declineCode, String networkDeclineCode, String outcomeType,
                            double weight) {

    public DeclineReason {
        if (!(weight > 0)) {
            throw new IllegalArgumentException("a decline reason's weight must be > 0: " + declineCode);
        }
    }

    public DeclineReason withWeight(double w) {
        return new DeclineReason(failureCode, declineCode, networkDeclineCode, outcomeType, w);
    }
}
