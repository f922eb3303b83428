namespace Rally.Api.Notices;

/// <summary>The hub's path and the names of what it sends.</summary>
public static class NoticeRoutes
{
    public const string Hub = "/hubs/notices";

    /// <summary>The hub method clients receive each notice on.</summary>
    public const string NoticeMessage = "notice";

    /// <summary>
    /// Browsers cannot set headers on WebSockets: a hub ticket (<see cref="HubTickets"/>), never the long-lived token,
    /// may come in this query parameter, on the hub's path only.
    /// </summary>
    public const string AccessTokenQuery = "access_token";
}
