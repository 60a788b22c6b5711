package io.tributary.cdc.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificate authorities of {@code source.mysql.ssl-ca} (a PEM file, as MySQL, RDS and Cloud SQL
 * hand them out) as a PKCS12 trust store, the form MySQL Connector/J and Debezium's binlog client read.
 * Written once per JVM and file, in the temporary directory; it holds public certificates only, so its
 * password keeps nothing secret.
 */
public record MySqlTrustStore(Path file, String password) {
    private static final Map<String, MySqlTrustStore> STORES = new ConcurrentHashMap<>();

    /** The trust store for the PEM file {@code caFile}; a file that is missing or holds no certificate is an error naming it. */
    public static MySqlTrustStore of(String caFile) {
        return STORES.computeIfAbsent(caFile, MySqlTrustStore::write);
    }

    private static MySqlTrustStore write(String caFile) {
        String where = MySqlSourceOptions.SSL_CA.key() + " '" + caFile + "'";
        KeyStore store = io.tributary.cdc.tls.PemAuthorities.keyStore(caFile, MySqlSourceOptions.SSL_CA.key());
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        try {
            Path file = Files.createTempFile("tributary-mysql-ca-", ".p12");
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return new MySqlTrustStore(file, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write a trust store for " + where + ": " + e, e);
        }
    }

    /** Connector/J's parameters that make it trust exactly these authorities. */
    String jdbcParameters() {
        return "&trustCertificateKeyStoreUrl=" + file.toUri() + "&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=" + password + "&fallbackToSystemTrustStore=false";
    }
}
