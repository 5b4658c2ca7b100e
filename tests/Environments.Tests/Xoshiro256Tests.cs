using RLFramework.Environments;
using Xunit;

namespace RLFramework.Environments.Tests;

public class Xoshiro256Tests
{
    [Fact]
    public void Outputs_match_the_reference_implementation_from_state_1_2_3_4()
    {
        // Blackman and Vigna's xoshiro256starstar.c from s = {1, 2, 3, 4}.
        var rng = new Xoshiro256(1, 2, 3, 4);
        Assert.Equal(11520UL, rng.NextUInt64());
        Assert.Equal(0UL, rng.NextUInt64());
        Assert.Equal(1509978240UL, rng.NextUInt64());
        Assert.Equal(1215971899390074240UL, rng.NextUInt64());
    }

    [Fact]
    public void Seeding_takes_four_splitmix64_draws()
    {
        // SplitMix64 from 0: the first four outputs of Vigna's splitmix64.c.
        Assert.Equal([0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL, 0xF88BB8A8724C81ECUL], new Xoshiro256(0).GetState());
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_cover_it()
    {
        var rng = new Xoshiro256(7);
        var seen = new int[7];
        var seenUnbiased = new int[7];
        for (var i = 0; i < 7000; i++)
        {
            seen[rng.NextInt(7)]++;
            seenUnbiased[rng.NextIntUnbiased(7)]++;
        }
        Assert.All(seen, c => Assert.InRange(c, 850, 1150));
        Assert.All(seenUnbiased, c => Assert.InRange(c, 850, 1150));
        Assert.Throws<ArgumentException>(() => new Xoshiro256(0, 0, 0, 0));
    }
}
