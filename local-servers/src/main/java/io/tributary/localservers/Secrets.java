package io.tributary.localservers;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets for generated users and tokens; never written to the repository. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** 24 hex characters (96 random bits). */
    public static String random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
