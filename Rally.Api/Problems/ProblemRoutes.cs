namespace Rally.Api.Problems;

/// <summary>The problems a route may answer that not every route of its kind answers (see <see cref="ProblemResponsesTransformer"/>).</summary>
public sealed record RefusalsMetadata(IReadOnlyList<ProblemType> Types);

public static class ProblemRoutes
{
    /// <summary>Documents, on this route, problems its rules may answer with (a grain's refusals, the handler's own checks).</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, params ProblemType[] types)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RefusalsMetadata(types));
}
