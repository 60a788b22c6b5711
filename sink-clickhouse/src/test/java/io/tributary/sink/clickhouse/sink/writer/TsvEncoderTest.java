package io.tributary.sink.clickhouse.sink.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TsvEncoderTest {
    @Test
    void escapesOnlyWhatTabSeparatedNeeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TsvEncoder.writeValues(out, new String[] {"a\tb\\c\nd\re", null, "plain ✨", "00ff5c09", ""},
                new boolean[] {false, false, false, true, false});
        assertThat(out.toByteArray()).isEqualTo(concat("a\\tb\\\\c\\nd\\re\t\\N\tplain ✨\t".getBytes(StandardCharsets.UTF_8),
                new byte[] {'\\', '0', (byte) 0xff, '\\', '\\', '\\', 't', '\t', '\t'}));
    }

    @Test
    void escapesAtTheEdgesOfAValue() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TsvEncoder.writeText(out, "\tx\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\\tx\\n");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
