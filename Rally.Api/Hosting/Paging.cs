using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Problems;

namespace Rally.Api.Hosting;

/// <summary>How operators' lists that grow with a study's life are read a page at a time (<c>?after=&amp;limit=</c>).</summary>
public static class Paging
{
    /// <summary>Items in a page when <c>limit</c> is left out.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most items one page may hold.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The page size asked for, or the problem to answer when it is out of range.</summary>
    public static bool TryLimit(int? limit, out int size, out ProblemHttpResult? problem)
    {
        size = limit ?? DefaultLimit;
        problem = size is < 1 or > MaxLimit
            ? ProblemTypes.InvalidRequest.Result($"limit must be between 1 and {MaxLimit}.")
            : null;
        return problem is null;
    }
}
