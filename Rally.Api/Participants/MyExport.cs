using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Signing;
using Rally.Grains.Audit;
using Rally.Grains.Participants;

namespace Rally.Api.Participants;

/// <summary>
/// A participant's own export: its grain's record, then, for each study it is or was in, that study's audit log read once
/// (page by page) for the reads made while the study may have held its data. Built for the answer, never stored.
/// </summary>
public static class MyExport
{
    /// <summary>Reads asked of a study's audit log at a time.</summary>
    private const int PageSize = 1000;

    public static async Task<Ok<MyExportResponse>> ExportAsync(ClaimsPrincipal user, IGrainFactory grains, DeletionReceipts receipts, TimeProvider clock)
    {
        var export = await grains.GetGrain<IParticipantGrain>(user.GetSubjectId()).ExportAsync();
        var reads = await Task.WhenAll(export.Studies.Select(s => ReadsOfAsync(grains, s)));
        return TypedResults.Ok(MyExportResponse.From(export, reads, receipts, clock.GetUtcNow()));
    }

    private static async Task<StudyReadsResponse> ReadsOfAsync(IGrainFactory grains, StudyReadWindows study)
    {
        var audit = grains.GetGrain<IStudyAuditGrain>(study.StudyId);
        var reads = new List<DataReadResponse>();
        for (int? next = 0; next is { } skip;)
        {
            var page = await audit.ListReadsAsync(study.Windows, skip, PageSize);
            reads.AddRange(page.Reads.Select(DataReadResponse.From));
            next = page.Next;
        }
        return new StudyReadsResponse(study.StudyId, [.. reads]);
    }
}
