package io.hartonomous.edge.keys;

/**
 * How a key is presented: the {@value #HEADER} header, stripped of surrounding white space, at most
 * {@value #MAX_LENGTH} characters (longer ones are refused before hashing).
 */
public final class PresentedKey {
    public static final String HEADER = "X-Api-Key";
    public static final int MAX_LENGTH = 256;

    private PresentedKey() {
    }

    /** The key in the header's value, or {@link ApiAccessException.Unauthenticated} when missing or too long. */
    public static String parse(String header) {
        if (header == null || header.isBlank()) {
            throw ApiAccessException.Unauthenticated.missing("this request needs an API key in the " + HEADER
                    + " header");
        }
        if (header.length() > MAX_LENGTH) {
            throw ApiAccessException.Unauthenticated.invalid("the API key is not valid");
        }
        return header.strip();
    }
}
