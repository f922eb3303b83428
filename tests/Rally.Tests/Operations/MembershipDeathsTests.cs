using Rally.Silo.Hosting;

namespace Rally.Tests.Operations;

/// <summary>A silo declared dead by the others is told apart from one that stopped and wrote its own row.</summary>
public sealed class MembershipDeathsTests
{
    private const string Silo = "127.0.0.1:40001@123456";

    [Fact]
    public void A_silo_that_stopped_names_only_itself()
    {
        Assert.False(MembershipDeaths.DeclaredByAnother(Silo, $"{Silo},2026-11-30 10:00:00.000 GMT"));
        Assert.False(MembershipDeaths.DeclaredByAnother(Silo, null));
        Assert.False(MembershipDeaths.DeclaredByAnother(Silo, ""));
    }

    [Fact]
    public void A_silo_declared_dead_names_another()
    {
        Assert.True(MembershipDeaths.DeclaredByAnother(Silo, "127.0.0.1:40003@123460,2026-11-30 10:00:00.000 GMT"));
        Assert.True(MembershipDeaths.DeclaredByAnother(Silo, $"{Silo},2026-11-30 10:00:00.000 GMT|127.0.0.1:40003@123460,2026-11-30 10:00:01.000 GMT"));
        // Another generation of the same endpoint is another silo.
        Assert.True(MembershipDeaths.DeclaredByAnother(Silo, "127.0.0.1:40001@123999,2026-11-30 10:00:00.000 GMT"));
    }
}
