using CsCheck;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>
/// Payloads travel and are stored as their bytes (<see cref="JweBytes"/>); what an export hands back must be the upload,
/// character for character, whatever it is.
/// </summary>
public sealed class JweBytesTests : IDisposable
{
    private readonly StudyKeyPair _key = new();

    public void Dispose() => _key.Dispose();

    [Fact]
    public void A_real_jwe_is_packed_a_quarter_smaller_and_given_back_exactly()
    {
        for (var i = 0; i < 50; i++)
        {
            var jwe = _key.Encrypt($$"""{"url":"https://example.test/{{new string('a', i * 37)}}"}""");
            var packed = JweBytes.Pack(jwe);
            Assert.Equal(1, packed[0]); // the compact form, not the text fallback
            Assert.True(packed.Length <= jwe.Length * 3 / 4 + 4, $"{packed.Length} bytes for {jwe.Length} characters");
            Assert.Equal(jwe, JweBytes.Unpack(packed));
            Assert.Equal(jwe, new StudyEvent(Guid.NewGuid(), "t", DateTimeOffset.UtcNow, false, jwe).Payload);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b.c.d.e")]
    [InlineData("p.1..x.y")]
    [InlineData("eyJhbGciOiJFQ0RILUVTIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJhbGciOiJFQ0RILUVTIn0..AAAAAAAAAAAAAAAA.AAAB.AAAAAAAAAAAAAAAAAAAAAB")] // bits set past the last byte
    [InlineData("eyJhbGciOiJFQ0RILUVTIn0=..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")] // padding
    [InlineData("eyJhbGciOiJFQ0RILUVTIn0.x.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")] // an encrypted key
    [InlineData("a.b.c.d.e.f")]
    [InlineData("ünïcødé.\u0000.\ud83d\ude00")] // a pair of surrogates is fine
    public void Anything_else_is_given_back_exactly_too(string payload)
    {
        Assert.Equal(payload, JweBytes.Unpack(JweBytes.Pack(payload)));
    }

    [Fact]
    public void Any_string_round_trips()
    {
        var part = Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. "], 0, 40];
        Gen.Select(part, part, part, part, part).Select((a, b, c, d, e) => string.Join('.', a, b, c, d, e))
            .Sample(s => Assert.Equal(s, JweBytes.Unpack(JweBytes.Pack(s))), iter: 20_000);
        Gen.String.Where(s => !s.Any(char.IsSurrogate)).Sample(s => Assert.Equal(s, JweBytes.Unpack(JweBytes.Pack(s))), iter: 5_000);
    }

    [Fact]
    public void An_event_queued_as_text_by_an_earlier_version_reads_the_same()
    {
        var jwe = _key.Encrypt("""{"url":"https://example.test/"}""");
        var queued = new StudyEvent(Guid.NewGuid(), "t", DateTimeOffset.UtcNow, false, Jwe: null!) { QueuedText = jwe };
        Assert.Equal(jwe, queued.Payload);
        Assert.Equal(JweBytes.Pack(jwe), queued.PackedJwe);
    }
}
