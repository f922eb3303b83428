using Microsoft.Extensions.Options;
using Rally.Api.Ingestion;
using Rally.Api.Studies;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>Export cursors are sealed positions: they open only in their own study, as handed out, and show nothing.</summary>
public sealed class ExportCursorTests
{
    private readonly ExportCursors _cursors = CursorsUnder(TestSecrets.StudyIdKey);

    public static TheoryData<long, long> Positions => new()
    {
        { 0, 0 },
        { 0, 1 },
        { 742_913, 18_204_377 },
        { long.MaxValue, long.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Positions))]
    public void A_cursor_opens_to_its_position_in_its_own_study_only(long transaction, long sequence)
    {
        var position = new EventCursor(transaction, sequence);
        using var sealer = _cursors.For("study-a");

        var cursor = sealer.Seal(position);

        Assert.Equal(ExportCursors.Length, cursor.Length);
        Assert.True(_cursors.TryOpen("study-a", cursor, out var opened));
        Assert.Equal(position, opened);
        Assert.False(_cursors.TryOpen("study-b", cursor, out _));
        Assert.False(CursorsUnder("another-study-id-key-0123456789abcdef0").TryOpen("study-a", cursor, out _));
    }

    [Fact]
    public void Any_altered_cursor_is_refused()
    {
        using var sealer = _cursors.For("study-a");
        var cursor = sealer.Seal(new EventCursor(1234, 5678));

        for (var i = 0; i < cursor.Length; i++)
        {
            foreach (var replacement in "AQgw_-")
            {
                if (replacement == cursor[i])
                {
                    continue;
                }
                var altered = cursor[..i] + replacement + cursor[(i + 1)..];
                Assert.False(_cursors.TryOpen("study-a", altered, out _), $"{altered} (character {i} changed) was accepted");
            }
        }
        Assert.False(_cursors.TryOpen("study-a", cursor[..^1], out _));
        Assert.False(_cursors.TryOpen("study-a", cursor + "A", out _));
    }

    [Theory]
    [InlineData("0-0")]
    [InlineData("1234-5678")]
    [InlineData("")]
    [InlineData("not a cursor")]
    public void Plaintext_cursors_of_earlier_versions_and_other_text_are_refused(string text)
    {
        Assert.False(_cursors.TryOpen("study-a", text, out _));
    }

    [Fact]
    public void Neighbouring_positions_give_unrelated_cursors_of_one_length()
    {
        using var sealer = _cursors.For("study-a");
        var cursors = new[] { new EventCursor(900, 41), new EventCursor(900, 42), new EventCursor(901, 43), new EventCursor(5_000_000, 9_000_000) }
            .Select(sealer.Seal)
            .ToArray();

        Assert.All(cursors, c => Assert.Equal(ExportCursors.Length, c.Length));
        foreach (var (first, second) in cursors.Zip(cursors.Skip(1)))
        {
            var same = first.Zip(second).Count(pair => pair.First == pair.Second);
            Assert.True(same <= 8, $"{first} and {second} share {same} of {first.Length} characters");
        }
        Assert.Equal(cursors[1], sealer.Seal(new EventCursor(900, 42)));
    }

    private static ExportCursors CursorsUnder(string key) => new(Options.Create(new StudyIdOptions { Key = key }));
}
