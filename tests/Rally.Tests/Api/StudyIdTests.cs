using Microsoft.Extensions.Options;
using Rally.Api.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>The ids the server makes carry a MAC: one made up, or altered, is told apart without asking any grain.</summary>
public sealed class StudyIdTests
{
    private readonly StudyIds _ids = IdsUnder(TestSecrets.StudyIdKey);

    [Fact]
    public void A_new_study_id_fits_the_study_id_rule_and_is_never_repeated()
    {
        var made = Enumerable.Range(0, 1000).Select(_ => _ids.New()).ToArray();

        Assert.All(made, id => Assert.Matches(StudyRules.StudyIdPattern, id));
        Assert.All(made, id => Assert.Matches("^s-[a-z2-7]{24}-[a-z2-7]{16}$", id));
        Assert.All(made, id => Assert.False(_ids.IsForged(id), id));
        Assert.Equal(made.Length, made.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Changing_any_character_of_an_id_or_the_key_makes_it_forged()
    {
        var id = _ids.New();

        for (var i = 2; i < id.Length; i++)
        {
            if (id[i] == '-')
            {
                continue;
            }
            var altered = id[..i] + (id[i] == 'a' ? 'b' : 'a') + id[(i + 1)..];
            Assert.True(_ids.IsForged(altered), $"{altered} (character {i} changed) passed");
        }
        Assert.True(IdsUnder("another-study-id-key-0123456789abcdef0").IsForged(id));
    }

    [Theory]
    [InlineData("study-4f9c2a7e1b3d5c08")]
    [InlineData("study-1234")]
    [InlineData("lifecycle-0123456789abcd")]
    [InlineData("s-abc")]
    [InlineData("s-aaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaa")]
    [InlineData("s-aaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaa89")]
    public void Ids_of_any_other_shape_are_left_to_the_grains(string legacy)
    {
        Assert.False(_ids.IsForged(legacy));
    }

    private static StudyIds IdsUnder(string key) => new(Options.Create(new StudyIdOptions { Key = key }));
}
