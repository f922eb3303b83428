using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Rally.Grains.Studies;

namespace Rally.Api.Authentication;

/// <summary>Operators manage every study; a researcher only its own partner's.</summary>
internal sealed class StudyOwnerHandler : AuthorizationHandler<OperationAuthorizationRequirement, StudyView>
{
    public static readonly OperationAuthorizationRequirement Manage = new() { Name = "manage" };

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, StudyView study)
    {
        if (context.User.IsOperator() || context.User.GetPartnerId() == study.Card.PartnerId)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
