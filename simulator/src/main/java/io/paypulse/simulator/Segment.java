package io.paypulse.simulator;

import java.util.List;
import java.util.Objects;

/**
 * A slice of a merchant's payments that behaves alike: one payment method, card brand, card country,
 * currency and funding, with its share of the charges and its usual decline rate and reasons.
 *
 * @param method      Stripe's {@code payment_method_details.type}: {@code card}, {@code sepa_debit}, ...
 * @param brand       card brand ({@code visa}, ...); empty for other methods
 * @param country     issuing country (cards) or bank country, ISO 3166-1 alpha-2
 * @param currency    charge currency, lower case ISO 4217
 * @param funding     card funding ({@code credit}, {@code debit}, {@code prepaid}); empty for other methods
 * @param share       share of all charges, relative to the other segments
 * @param declineRate usual share of this segment's charges that fail
 * @param declines    why they fail, weighted
 */
public record Segment(String method, String brand, String country, String currency, String funding, double share,
                      double declineRate, List<DeclineReason> declines) {

    public Segment {
        Objects.requireNonNull(method, "method");
        brand = brand == null ? "" : brand;
        funding = funding == null ? "" : funding;
        if (!(share > 0) || !(declineRate >= 0 && declineRate <= 1) || declines.isEmpty()) {
            throw new IllegalArgumentException("a segment needs a share > 0, a decline rate in [0, 1] and decline reasons: "
                    + method + " " + brand + " " + country);
        }
        declines = List.copyOf(declines);
    }

    public boolean isCard() {
        return "card".equals(method);
    }

    /** {@code visa×BR credit (card, brl)}: how people name a segment. */
    public String label() {
        return (isCard() ? brand + "×" + country + " " + funding : method + "×" + country) + " (" + currency + ")";
    }
}
