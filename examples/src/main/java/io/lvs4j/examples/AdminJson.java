package io.lvs4j.examples;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON of the admin endpoint: core's status records as Jackson writes records (one field
 * per component), with addresses as plain numeric text ({@code "198.18.0.10"}) and instants as
 * ISO-8601 text ({@code "2026-01-01T12:00:00.123Z"}). The same
 * mapper reads it back, so {@code ./lvs4j status} prints what the director served.
 */
final class AdminJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("lvs4j-addresses")
                    .addSerializer(InetAddress.class, new AddressWriter())
                    .addDeserializer(InetAddress.class, new AddressReader())
                    .addSerializer(Instant.class, new InstantWriter())
                    .addDeserializer(Instant.class, new InstantReader()))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdminJson() {
    }

    /** @return the shared, thread-safe mapper */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    private static final class AddressWriter extends JsonSerializer<InetAddress> {
        @Override
        public void serialize(InetAddress value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            gen.writeString(value.getHostAddress());
        }

        @Override
        public Class<InetAddress> handledType() {
            return InetAddress.class;
        }
    }

    private static final class AddressReader extends JsonDeserializer<InetAddress> {
        @Override
        public InetAddress deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return InetAddress.ofLiteral(text);
            } catch (IllegalArgumentException e) {
                return (InetAddress) ctxt.handleWeirdStringValue(InetAddress.class, text, "not an IP address");
            }
        }
    }

    private static final class InstantWriter extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }

        @Override
        public Class<Instant> handledType() {
            return Instant.class;
        }
    }

    private static final class InstantReader extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }
}
