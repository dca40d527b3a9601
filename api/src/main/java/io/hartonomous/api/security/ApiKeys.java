package io.hartonomous.api.security;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Key material: {@code hk_} + 48 hex digits (192 random bits). Only its SHA-256 is ever stored. */
public final class ApiKeys {
    public static final String HEADER = "X-Api-Key";
    public static final String PREFIX = "hk_";
    /** Longer presented keys are refused before hashing. */
    public static final int MAX_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }
}
