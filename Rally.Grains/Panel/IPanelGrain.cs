namespace Rally.Grains.Panel;

/// <summary>
/// The demographic counts of one population (<see cref="PanelPopulations"/>): how many of its participants gave each
/// tuple of answers. Fed by the participants (<see cref="PanelFeed"/>), one move per change, each applied once.
/// </summary>
[Alias("rally.panel-grain")]
public interface IPanelGrain : IGrainWithStringKey
{
    /// <summary>
    /// Moves one participant's contribution from the answer tuple <paramref name="fromAnswers"/> to
    /// <paramref name="toAnswers"/> (null: not in the population). The same <paramref name="moveId"/> again changes
    /// nothing, until it is forgotten.
    /// </summary>
    [Alias("move")]
    Task MoveAsync(Guid moveId, string? fromAnswers, string? toAnswers);

    /// <summary>The mover has recorded that <paramref name="moveId"/> was applied: it will not be sent again.</summary>
    [Alias("forget")]
    Task ForgetAsync(Guid moveId);

    /// <summary>The published figures, suppressed below k; with <paramref name="first"/> and <paramref name="second"/> cross-tabulated when given.</summary>
    [Alias("get-representation")]
    Task<PanelRepresentation> GetRepresentationAsync(PanelQuestion? first, PanelQuestion? second);
}
