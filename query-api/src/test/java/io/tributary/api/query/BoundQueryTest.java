package io.tributary.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ForbiddenResponse;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.auth.ApiClients;
import io.tributary.api.endpoint.Endpoint;
import io.tributary.api.endpoint.EndpointFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundQueryTest {
    private static final Endpoint ENDPOINT = EndpointFile.parse("e.sql", """
            -- param store_id: UInt8, optional, min 1, max 2
            -- param day: Date, required
            SELECT {store_id:Nullable(UInt8)}, {day:Date}
            """);
    private static final ApiClient ADMIN = ApiClients.admins(List.of("t"), 10).get(0);

    private static BoundQuery bind(Map<String, List<String>> q, ApiClient client) {
        return BoundQuery.bind(ENDPOINT, q, client, 100, OutputFormat.JSON);
    }

    @Test
    void bindsValuesAsParametersNeverAsSql() {
        BoundQuery q = bind(Map.of("day", List.of("2005-05-24"), "limit", List.of("10")), ADMIN);
        assertThat(q.sql()).doesNotContain("2005-05-24").contains("{_limit:UInt64}");
        assertThat(q.clickhouseParameters()).containsEntry("param_day", "2005-05-24")
                .containsEntry("param_store_id", "\\N").containsEntry("param__limit", "10")
                .containsEntry("param__offset", "0").containsEntry("default_format", "JSON");
        assertThat(q.cacheKey()).isNotEqualTo(bind(Map.of("day", List.of("2005-05-25")), ADMIN).cacheKey());
    }

    @Test
    void clientErrorsSayWhatIsExpected() {
        assertThatThrownBy(() -> bind(Map.of(), ADMIN)).isInstanceOf(BadRequestResponse.class)
                .hasMessageContaining("missing required parameter 'day'");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("tomorrow")), ADMIN))
                .hasMessageContaining("parameter 'day' = 'tomorrow' is not a date");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24"), "store_id", List.of("3")), ADMIN))
                .hasMessageContaining("above the maximum 2");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24"), "shop", List.of("3")), ADMIN))
                .hasMessageContaining("unknown parameter 'shop'").hasMessageContaining("[store_id, day]");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24", "2005-05-25")), ADMIN))
                .hasMessageContaining("given 2 times");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24"), "limit", List.of("101")), ADMIN))
                .hasMessageContaining("between 1 and 100");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24"), "offset", List.of("-1")), ADMIN))
                .hasMessageContaining("offset must be a whole number");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("x\u0000y")), ADMIN)).hasMessageContaining("x\\u0000y");
    }

    @Test
    void fixedParametersCannotBeOverridden() {
        ApiClient tenant = new ApiClient("store-1", ApiClients.sha256("s"), false, List.of("*"), Map.of("store_id", "1"), 10);
        assertThat(bind(Map.of("day", List.of("2005-05-24")), tenant).values()).containsEntry("store_id", "1");
        assertThat(bind(Map.of("day", List.of("2005-05-24"), "store_id", List.of("1")), tenant).values())
                .containsEntry("store_id", "1");
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24"), "store_id", List.of("2")), tenant))
                .isInstanceOf(ForbiddenResponse.class).hasMessageContaining("may only use store_id=1");
        ApiClient other = new ApiClient("t", ApiClients.sha256("t"), false, List.of("*"), Map.of("tenant", "9"), 10);
        assertThatThrownBy(() -> bind(Map.of("day", List.of("2005-05-24")), other))
                .isInstanceOf(ForbiddenResponse.class).hasMessageContaining("has no parameter tenant");
    }
}
