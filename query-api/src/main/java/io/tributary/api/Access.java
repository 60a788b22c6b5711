package io.tributary.api;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.tributary.api.auth.ApiClient;
import io.tributary.api.auth.ApiClients;
import io.tributary.api.auth.RateLimiter;
import io.tributary.api.observe.ApiMetrics;
import java.util.Map;

/** Authentication, admin checks and rate limits, run before every protected route. */
final class Access {
    static final String CLIENT = "tributary.client";
    private final ApiClients clients;
    private final RateLimiter limiter = new RateLimiter();
    private final ApiMetrics metrics;

    Access(ApiClients clients, ApiMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthorizedResponse("missing bearer token: send 'Authorization: Bearer <token>' "
                    + "(a token from api.tokens or api.clients-file)");
        }
        ApiClient client = clients.authenticate(token).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new UnauthorizedResponse("unknown bearer token");
        });
        ctx.attribute(CLIENT, client);
        long wait = limiter.tryAcquire(client);
        if (wait > 0) {
            metrics.rateLimited(client.name());
            ctx.header("Retry-After", Long.toString(wait));
            throw new HttpResponseException(HttpStatus.TOO_MANY_REQUESTS.getCode(), "rate limit of "
                    + client.requestsPerSecond() + " requests/s exceeded for client '" + client.name()
                    + "'; retry after " + wait + " s", Map.of());
        }
    }

    static ApiClient client(Context ctx) {
        return ctx.attribute(CLIENT);
    }

    static ApiClient admin(Context ctx) {
        ApiClient c = client(ctx);
        if (!c.admin()) {
            throw new ForbiddenResponse("client '" + c.name() + "' is not an admin; " + ctx.path() + " needs an admin token");
        }
        return c;
    }
}
