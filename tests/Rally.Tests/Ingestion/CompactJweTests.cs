using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Rally.Api.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>
/// Nothing readable rides beside the ciphertext (P3): the protected header of a payload, which is not encrypted, is an
/// allow-list, and every part is canonical base64url, so no bytes can be smuggled in a second spelling. Checked against a
/// hand-written corpus of hostile headers and against generated ones.
/// </summary>
public sealed class CompactJweTests : IDisposable
{
    private const int Limit = 32 * 1024;

    private readonly StudyKeyPair _key = new();
    private readonly string[] _parts;

    public CompactJweTests() => _parts = _key.Encrypt("""{"url":"https://example.test/"}""").Split('.');

    private string Kid => _key.Kid;

    /// <summary>The header jose-jwt wrote, as a JSON object, for variations.</summary>
    private JsonObject Header => JsonNode.Parse(Base64Url.DecodeFromChars(_parts[0]))!.AsObject();

    private string WithHeader(string json) => WithHeaderBytes(Encoding.UTF8.GetBytes(json));

    private string WithHeaderBytes(byte[] json) => string.Join('.', Base64Url.EncodeToString(json), "", _parts[2], _parts[3], _parts[4]);

    private string? Check(string payload) => CompactJwe.Check(payload, Kid, Limit);

    [Fact]
    public void A_payload_encrypted_by_an_independent_jose_library_passes()
    {
        Assert.Null(Check(string.Join('.', _parts)));
    }

    [Fact]
    public void The_allowed_members_pass_in_any_order_with_or_without_typ()
    {
        var members = Header.Select(m => (m.Key, Value: m.Value!.ToJsonString())).ToList();
        Gen.Shuffle(members.ToArray()).Select(Gen.Bool).Sample((order, typ) =>
        {
            var parts = order.Select(m => $"\"{m.Key}\":{m.Value}").ToList();
            if (typ)
            {
                parts.Insert(parts.Count / 2, "\"typ\":\"JWE\"");
            }
            return Check(WithHeader("{" + string.Join(',', parts) + "}")) is null;
        });
    }

    public static TheoryData<string, string> HostileHeaders => new()
    {
        { "plaintext in an extra member", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"x-note":"alice@example.com visited https://bank.example/acct/123"}""" },
        { "cty", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"cty":"application/json"}""" },
        { "crit", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"crit":["exp"],"exp":1}""" },
        { "zip", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"zip":"DEF"}""" },
        { "apu", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"apu":"YWxpY2VAZXhhbXBsZS5jb20"}""" },
        { "apv", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"apv":"Ym9i"}""" },
        { "alg twice", """{"alg":"ECDH-ES","alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK}""" },
        { "alg twice, the second other", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"alg":"dir"}""" },
        { "kid twice", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","kid":"KID","epk":EPK}""" },
        { "a member spelled with an escape", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"\u0078-note":"hidden"}""" },
        { "a value spelled with an escape", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"typ":"J\u0057E"}""" },
        { "whitespace", """{"alg": "ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK}""" },
        { "a newline", "{\"alg\":\"ECDH-ES\",\n\"enc\":\"A256GCM\",\"kid\":\"KID\",\"epk\":EPK}" },
        { "typ other than JWE", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"typ":"JWT"}""" },
        { "alg as a number", """{"alg":1,"enc":"A256GCM","kid":"KID","epk":EPK}""" },
        { "alg as an object", """{"alg":{"x-note":"hidden"},"enc":"A256GCM","kid":"KID","epk":EPK}""" },
        { "no kid", """{"alg":"ECDH-ES","enc":"A256GCM","epk":EPK}""" },
        { "no epk", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID"}""" },
        { "a private key in epk", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPKD}""" },
        { "an extra member in epk", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPKX}""" },
        { "epk off the curve", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPKOFF}""" },
        { "a short coordinate", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPKSHORT}""" },
        { "trailing content", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK}{}""" },
        { "an array", """[{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK}]""" },
        { "a comment", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK/*hidden*/}""" },
        { "a header over 1 KiB", """{"alg":"ECDH-ES","enc":"A256GCM","kid":"KID","epk":EPK,"typ":"JWE","x":"LONG"}""" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void A_hostile_header_is_refused(string what, string template)
    {
        var epk = Header["epk"]!.AsObject();
        var (x, y) = ((string)epk["x"]!, (string)epk["y"]!);
        var offCurve = Base64Url.DecodeFromChars(y);
        offCurve[^1] ^= 1;
        var json = template
            .Replace("EPKOFF", $$"""{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{Base64Url.EncodeToString(offCurve)}}"}""", StringComparison.Ordinal)
            .Replace("EPKSHORT", $$"""{"kty":"EC","crv":"P-256","x":"{{x[..^2]}}","y":"{{y}}"}""", StringComparison.Ordinal)
            .Replace("EPKD", $$"""{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{y}}","d":"{{x}}"}""", StringComparison.Ordinal)
            .Replace("EPKX", $$"""{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{y}}","use":"enc"}""", StringComparison.Ordinal)
            .Replace("EPK", epk.ToJsonString(), StringComparison.Ordinal)
            .Replace("KID", Kid, StringComparison.Ordinal)
            .Replace("LONG", new string('a', CompactJwe.MaxHeaderBytes), StringComparison.Ordinal);

        Assert.True(Check(WithHeader(json)) is not null, $"accepted: {what}");
    }

    [Fact]
    public void Any_member_beside_the_allowed_ones_is_refused_whatever_it_holds()
    {
        var allowed = new[] { "alg", "enc", "kid", "epk", "typ" };
        var name = Gen.String[Gen.Char['!', '~'], 1, 20].Where(n => !allowed.Contains(n) && !n.Contains('"', StringComparison.Ordinal) && !n.Contains('\\', StringComparison.Ordinal));
        var value = Gen.OneOf(
            Gen.String[Gen.Char['#', '~'], 0, 100].Where(v => !v.Contains('\\', StringComparison.Ordinal)).Select(v => $"\"{v}\""),
            Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Const("true"), Gen.Const("null"), Gen.Const("{}"), Gen.Const("[]"));
        Gen.Select(name, value, Gen.Int[0, 4]).Sample((member, json, at) =>
        {
            var members = Header.Select(m => $"\"{m.Key}\":{m.Value!.ToJsonString()}").ToList();
            members.Insert(at, $"\"{member}\":{json}");
            return Check(WithHeader("{" + string.Join(',', members) + "}")) is not null;
        });
    }

    [Fact]
    public void A_part_spelled_with_bits_past_its_last_byte_is_refused()
    {
        // Each part's last character carries bits beyond the data unless the length is a multiple of 4: setting any of them
        // gives the same bytes a second spelling, which could carry a covert bit.
        Gen.Int[0, 4].Where(i => i != 1 && _parts[i].Length % 4 != 0).Select(Gen.Int[1, 15]).Sample((index, bits) =>
        {
            var parts = (string[])_parts.Clone();
            var last = parts[index][^1];
            var unused = parts[index].Length % 4 == 2 ? 0b1111 : 0b11;
            var value = Alphabet.IndexOf(last, StringComparison.Ordinal) | (bits & unused);
            if ((bits & unused) == 0)
            {
                return true;
            }
            parts[index] = parts[index][..^1] + Alphabet[value];
            return Check(string.Join('.', parts)) is not null;
        });
    }

    [Fact]
    public void An_ephemeral_key_passes_exactly_when_it_is_a_point_on_P256()
    {
        var epk = Header["epk"]!.AsObject();
        Gen.Byte.Array[32].Select(Gen.Bool).Sample((bytes, real) =>
        {
            string x, y;
            if (real)
            {
                using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
                var q = ecdh.ExportParameters(false).Q;
                (x, y) = (Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y));
            }
            else
            {
                (x, y) = ((string)epk["x"]!, Base64Url.EncodeToString(bytes));
            }
            var header = $$$"""{"alg":"ECDH-ES","enc":"A256GCM","kid":"{{{Kid}}}","epk":{"kty":"EC","crv":"P-256","x":"{{{x}}}","y":"{{{y}}}"}}""";
            return (Check(WithHeader(header)) is null) == IsPoint(x, y);
        });
    }

    /// <summary>The platform's own check, independent of Rally's: can the point be imported as a P-256 public key?</summary>
    private static bool IsPoint(string x, string y)
    {
        try
        {
            using var ecdh = ECDiffieHellman.Create();
            ecdh.ImportParameters(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public void Dispose() => _key.Dispose();
}
