using Rally.Api.Participants;

namespace Rally.Api.Demographics;

/// <summary>One NDJSON line of a study's demographics: a consenting participant's profile, under its study pseudonym.</summary>
public sealed record DemographicsLine(string Pseudonym, ProfileBody Profile);
