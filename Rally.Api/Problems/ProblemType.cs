using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Rally.Api.Problems;

/// <summary>One kind of error: a stable <c>type</c> URI, its HTTP status and title (RFC 9457).</summary>
public sealed record ProblemType(string Slug, int Status, string Title)
{
    public const string UriPrefix = "urn:rally:problem:";

    public string Uri => UriPrefix + Slug;

    public ProblemDetails Create(string detail) => new()
    {
        Type = Uri,
        Status = Status,
        Title = Title,
        Detail = detail,
    };

    public ProblemHttpResult Result(string detail) => TypedResults.Problem(Create(detail));
}
