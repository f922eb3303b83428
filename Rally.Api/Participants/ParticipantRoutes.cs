namespace Rally.Api.Participants;

/// <summary>Participant routes named outside their endpoints.</summary>
public static class ParticipantRoutes
{
    /// <summary>Replacing the token: the one route a token just replaced still opens (to resend the replacement).</summary>
    public const string Token = "/v1/me/token";
}
