package io.paypulse.flink.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.functions.MapFunction;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The parse-only job's work on each event: every token of the body read by Jackson's streaming
 * parser, the parser the job's own {@code EventBodyReader} uses, with nothing built from them. It
 * answers the body's token count (-1 for a body that is not valid JSON) so the work cannot be
 * optimised away.
 */
final class BodyTokens implements MapFunction<StripeEvent, Integer> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public Integer map(StripeEvent event) {
        int tokens = 0;
        try (JsonParser parser = JSON.createParser(event.payload())) {
            while (parser.nextToken() != null) {
                tokens++;
            }
            return tokens;
        } catch (JsonProcessingException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
