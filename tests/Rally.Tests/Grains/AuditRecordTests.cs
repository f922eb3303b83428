using System.Text.Json;
using Rally.Grains.Audit;

namespace Rally.Tests.Grains;

/// <summary>The audit's records are stored as plain camelCase JSON; those stored before reads had kinds are exports.</summary>
public sealed class AuditRecordTests
{
    private static readonly JsonSerializerOptions Storage = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    [Fact]
    public void A_record_stored_before_reads_had_kinds_reads_as_an_export_of_events()
    {
        const string stored = """{"exports":[{"researcherId":"5b0c7c59-96a4-4a8e-9d39-0a4d2c2f3b10","at":"2026-11-01T10:00:00+00:00","after":"0-0","events":12,"completed":true}]}""";

        var record = Assert.Single(JsonSerializer.Deserialize<StudyAuditState>(stored, Storage)!.Exports);

        Assert.Equal(ExportKinds.Events, record.Kind);
        Assert.Equal(12, record.Events);
    }

    [Fact]
    public void A_demographics_read_keeps_its_kind_through_storage()
    {
        var state = new StudyAuditState { Exports = [new ExportRecord(Guid.Empty, DateTimeOffset.UnixEpoch, "", 3, true, ExportKinds.Demographics)] };

        var read = JsonSerializer.Deserialize<StudyAuditState>(JsonSerializer.Serialize(state, Storage), Storage)!;

        Assert.Equal("demographics", Assert.Single(read.Exports).Kind);
    }
}
