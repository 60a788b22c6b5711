package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's answers to bad input, without servers: exit 2 and a message naming the option. */
class MainTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            source: { mysql: { host: 127.0.0.1, port: 1, user: cdc, password: pw, databases: [shop] } }
            sink:   { clickhouse: { url: "http://127.0.0.1:1" } }
            api:    { port: 9000, tokens: [t1] }
            state:  { dir: /tmp/x }
            """;

    private String[] run(String... args) throws Exception {
        Path config = dir.resolve("t.yaml");
        Files.writeString(config, CONFIG);
        String[] withConfig = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            withConfig[i] = args[i].equals("CONFIG") ? config.toString() : args[i];
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(withConfig);
            return new String[] {String.valueOf(code), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void verifyRejectsThreadsThatAreNotAWholeNumberFromOneTo64BeforeConnecting() throws Exception {
        for (String bad : new String[] {"abc", "0", "65", "-1"}) {
            String[] result = run("verify", "--config", "CONFIG", "--threads", bad);
            assertThat(result[0]).isEqualTo("2");
            assertThat(result[1]).contains("configuration error: --threads must be a whole number from 1 to 64")
                    .contains("got '" + bad + "'");
        }
    }
}
