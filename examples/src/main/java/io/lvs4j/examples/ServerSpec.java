package io.lvs4j.examples;

import io.lvs4j.core.model.RealServer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A real server of the {@code schedule} simulator, named on the command line as
 * {@code NAME:WEIGHT}.
 *
 * @param name the name printed when the server is picked
 * @param weight its weight, 0 to 65535
 */
record ServerSpec(String name, int weight) {

    /** Parses {@code NAME:WEIGHT}; picocli turns a failure into a one-line usage error. */
    static final class Converter implements ITypeConverter<ServerSpec> {

        @Override
        public ServerSpec convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("expected NAME:WEIGHT but was '" + value + "'");
            }
            String name = value.substring(0, colon);
            if (name.equals("-") || name.chars().anyMatch(Character::isWhitespace)) {
                throw new TypeConversionException("server name must not be '-' or contain spaces: '" + name + "'");
            }
            int weight;
            try {
                weight = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("weight of '" + value + "' is not a number");
            }
            if (weight < 0 || weight > RealServer.MAX_WEIGHT) {
                throw new TypeConversionException("weight of '" + value + "' is out of range 0-"
                        + RealServer.MAX_WEIGHT);
            }
            return new ServerSpec(name, weight);
        }
    }
}
