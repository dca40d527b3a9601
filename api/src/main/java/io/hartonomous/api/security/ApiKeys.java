package io.hartonomous.api.security;

/** How keys are presented: the header, and the longest key looked up (longer ones are refused before hashing). */
public final class ApiKeys {
    public static final String HEADER = "X-Api-Key";
    public static final int MAX_LENGTH = 256;

    private ApiKeys() {
    }
}
