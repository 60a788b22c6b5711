package io.tributary.cdc.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class PemAuthoritiesTest {
    @Test
    void tellsAWrongHostFromAnUnknownAuthorityFromAnyOtherFailure() {
        assertThat(PemAuthorities.refusal(new IOException("wrapped", new SSLHandshakeException(
                "No subject alternative names matching IP address 127.0.0.1 found"))))
                .isEqualTo(PemAuthorities.Refusal.IDENTITY);
        assertThat(PemAuthorities.refusal(new java.sql.SQLException("Server identity verification failed")))
                .isEqualTo(PemAuthorities.Refusal.IDENTITY);
        assertThat(PemAuthorities.refusal(new SSLHandshakeException("PKIX path building failed: unable to find valid "
                + "certification path to requested target"))).isEqualTo(PemAuthorities.Refusal.UNTRUSTED);
        assertThat(PemAuthorities.refusal(new IOException("Connection refused"))).isNull();
    }
}
