using Rally.Api.Notices;
using Rally.Api.Signing;
using Rally.Grains.Audit;
using Rally.Grains.Participants;

namespace Rally.Api.Participants;

/// <summary>
/// Everything Rally holds about the caller (<c>GET /v1/me/export</c>): its record, profile, enrollments, deletion requests
/// with their outcome and signed receipt, pending notices, and <c>dataReads</c>: when each study it is or was in read its data.
/// </summary>
public sealed record MyExportResponse(
    Guid ParticipantId,
    ParticipantStatus Status,
    DateTimeOffset JoinedAt,
    string PlatformConsentVersion,
    DateTimeOffset? EligibilityAttestedAt,
    ProfileBody? Profile,
    EnrollmentResponse[] Enrollments,
    DeletionResponse[] Deletions,
    NoticeMessage[] Notices,
    StudyReadsResponse[] DataReads,
    DateTimeOffset ExportedAt)
{
    public static MyExportResponse From(ParticipantExport export, StudyReadsResponse[] reads, DeletionReceipts receipts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(export);
        var me = export.Participant;
        return new(me.ParticipantId, me.Status, me.JoinedAt, me.PlatformConsentVersion, export.EligibilityAttestedAt,
            export.Profile is { } profile ? ProfileBody.From(profile) : null,
            [.. me.Enrollments.Select(EnrollmentResponse.From)],
            [.. export.Deletions.Select(d => DeletionResponse.From(d, receipts))],
            [.. me.Notices.OrderBy(n => n.At).Select(NoticeMessage.From)],
            reads, now);
    }
}

/// <summary>A study the participant is or was in, and each read of its data while it may have held the participant's.</summary>
public sealed record StudyReadsResponse(string StudyId, DataReadResponse[] Reads);

/// <summary>One read of a study's data: when, what (<c>events</c> or <c>demographics</c>) and how many; never who.</summary>
public sealed record DataReadResponse(DateTimeOffset At, string Kind, long Count)
{
    public static DataReadResponse From(DataRead read) => new(read.At, read.Kind, read.Count);
}
