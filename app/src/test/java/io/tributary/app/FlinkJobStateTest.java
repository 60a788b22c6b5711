package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FlinkJobStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reportsTheNewestUnfinishedTributaryJob() throws Exception {
        String overview = """
                {"jobs":[
                  {"jid":"a","name":"tributary","state":"CANCELED","start-time":100,"end-time":200},
                  {"jid":"b","name":"tributary","state":"RESTARTING","start-time":300,"end-time":-1},
                  {"jid":"c","name":"other","state":"RUNNING","start-time":400,"end-time":-1}]}""";
        assertThat(FlinkJobState.stateOf(JSON.readTree(overview))).isEqualTo("RESTARTING");
    }

    @Test
    void fallsBackToTheNewestFinishedOneOrSaysNoneWasSubmitted() throws Exception {
        assertThat(FlinkJobState.stateOf(JSON.readTree("""
                {"jobs":[{"jid":"a","name":"tributary","state":"FAILED","start-time":100,"end-time":200}]}""")))
                .isEqualTo("FAILED");
        assertThat(FlinkJobState.stateOf(JSON.readTree("{\"jobs\":[]}"))).isEqualTo("NOT_SUBMITTED");
    }
}
