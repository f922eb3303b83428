using Microsoft.Extensions.Options;
using Rally.Grains.Privacy;
using Rally.Grains.Storage;

namespace Rally.Grains.Panel;

[GrainType("panel")]
internal sealed class PanelGrain(
    [PersistentState("panel", StorageNames.Rally)] IPersistentState<PanelState> store,
    IOptions<PrivacyOptions> privacy) : Grain, IPanelGrain
{
    /// <summary>What was published since the counts last changed, by cross-tabulation: suppression is not free.</summary>
    private readonly Dictionary<(PanelQuestion?, PanelQuestion?), PanelRepresentation> _published = [];

    private PanelState State => store.State;

    public async Task MoveAsync(Guid moveId, string? fromAnswers, string? toAnswers)
    {
        if (!State.Applied.Add(moveId))
        {
            return;
        }
        if (fromAnswers is not null)
        {
            Add(fromAnswers, -1);
        }
        if (toAnswers is not null)
        {
            Add(toAnswers, 1);
        }
        await SaveAsync();
    }

    public async Task ForgetAsync(Guid moveId)
    {
        if (State.Applied.Remove(moveId))
        {
            await SaveAsync();
        }
    }

    public Task<PanelRepresentation> GetRepresentationAsync(PanelQuestion? first, PanelQuestion? second)
    {
        var by = (first, second) is ({ } a, { } b) ? (a, b) : ((PanelQuestion, PanelQuestion)?)null;
        if (!_published.TryGetValue((first, second), out var figures))
        {
            figures = PanelTables.Build(State.Counts, privacy.Value.MinCellSize, by, PanelPopulations.StudyOf(this.GetPrimaryKeyString()));
            _published[(first, second)] = figures;
        }
        return Task.FromResult(figures);
    }

    private void Add(string tuple, int delta)
    {
        var count = State.Counts.GetValueOrDefault(tuple) + delta;
        if (count == 0)
        {
            State.Counts.Remove(tuple);
        }
        else
        {
            State.Counts[tuple] = count;
        }
        _published.Clear();
    }

    /// <summary>
    /// Stores the change; when that fails, what this activation holds may differ from what is stored, so it is
    /// dropped and the next call reads the stored counts again (a mover whose move failed sends it again).
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            _published.Clear();
            this.DeactivateOnIdle();
            throw;
        }
    }
}
