package io.tributary.cdc.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificate authorities from a PEM file (as MySQL, RDS, Cloud SQL and ClickHouse Cloud hand them
 * out) as a trust store: the only authorities a connection then accepts. A file that is missing or
 * holds no certificate is an error naming the setting that points at it.
 */
public final class PemAuthorities {
    private PemAuthorities() {}

    /** The authorities of {@code caFile} as a PKCS12 key store; {@code setting}: the option naming the file. */
    public static KeyStore keyStore(String caFile, String setting) {
        String where = setting + " '" + caFile + "'";
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(where + " is not a PEM file of certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(where + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a trust store from " + where + ": " + e, e);
        }
    }

    /** A TLS context that trusts exactly the authorities of {@code caFile}. */
    public static SSLContext sslContext(String caFile, String setting) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore(caFile, setting));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS with " + setting + " '" + caFile + "': " + e, e);
        }
    }

    /** Why a server's certificate was refused. */
    public enum Refusal {
        /** It is not issued for the host connected to. */
        IDENTITY,
        /** No trusted authority signed it. */
        UNTRUSTED
    }

    /** Whether {@code failure} is a refused certificate, and why; null for any other failure. */
    public static Refusal refusal(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        boolean certificateFailure = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(' ');
            certificateFailure |= t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof javax.net.ssl.SSLHandshakeException;
        }
        String text = chain.toString().toLowerCase(java.util.Locale.ROOT);
        // Connector/J's own host check says "Server identity verification failed"; the JDK's "No subject alternative ...".
        if (text.contains("identity verification") || text.contains("subject alternative") || text.contains("no name matching")) {
            return Refusal.IDENTITY;
        }
        if (certificateFailure || text.contains("pkix path") || text.contains("trust anchor")
                || text.contains("unable to find valid certification path")) {
            return Refusal.UNTRUSTED;
        }
        return null;
    }

    /** The innermost message of {@code t}: what the TLS layer said. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
