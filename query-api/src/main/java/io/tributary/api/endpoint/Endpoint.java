package io.tributary.api.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An endpoint read from {@code sql/endpoints/<name>.sql}: the query with its {@code {name:Type}}
 * placeholders, the declared parameters and the answer cache time. {@code version} is a hash of
 * the file's text, part of every ETag so a changed file never serves an old answer.
 */
public record Endpoint(String name, String description, String sql, List<EndpointParameter> parameters,
                       Duration cacheTtl, String version) {
    public Endpoint {
        parameters = List.copyOf(parameters);
    }

    public Optional<EndpointParameter> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }
}
