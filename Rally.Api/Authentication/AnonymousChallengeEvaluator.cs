using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Rally.Api.Authentication;

/// <summary>
/// Challenges a caller without a valid credential at once, without evaluating the route's policy: every Rally policy
/// needs a role, so the answer is the same 401, and the framework would log each such failure at Information (a flood of
/// made-up tokens must cost no log lines). Authenticated callers are evaluated as usual.
/// </summary>
internal sealed class AnonymousChallengeEvaluator(IAuthorizationService authorization) : IPolicyEvaluator
{
    private readonly PolicyEvaluator _inner = new(authorization);

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        _inner.AuthenticateAsync(policy, context);

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        authenticationResult.Succeeded
            ? _inner.AuthorizeAsync(policy, authenticationResult, context, resource)
            : Task.FromResult(PolicyAuthorizationResult.Challenge());
}
