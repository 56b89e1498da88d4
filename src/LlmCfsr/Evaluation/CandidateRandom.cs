namespace LlmCfsr.Evaluation;

/// <summary>
/// The random stream of one (evaluation seed, split, user): SplitMix64 (Steele, Lea and Flood 2014), whose 64-bit
/// outputs pass BigCrush, started from a hash of the three keys. A stream depends on nothing else (not on the batch,
/// the visiting order or other users), so every user's candidates are reproducible on their own.
/// </summary>
internal struct CandidateRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    private CandidateRandom(ulong state) => _state = state;

    /// <summary>
    /// The stream of <paramref name="userKey"/> (a stable id of the user) on <paramref name="split"/> under
    /// <paramref name="seed"/>. The user key is hashed with FNV-1a over its UTF-16 code units, which, unlike
    /// <see cref="string.GetHashCode()"/>, is the same in every process.
    /// </summary>
    public static CandidateRandom For(long seed, int split, string userKey)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in userKey)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }
        ulong state = Mix(Mix(Mix((ulong)seed + Golden) ^ (ulong)split) ^ hash);
        return new CandidateRandom(state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), exactly (Lemire's multiply-shift with rejection).</summary>
    public int Below(int bound)
    {
        ulong range = (ulong)bound;
        UInt128 product = (UInt128)Next() * range;
        ulong low = (ulong)product;
        if (low < range)
        {
            // Reject the (2^64 mod range) low values that would make some results more likely than others.
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                product = (UInt128)Next() * range;
                low = (ulong)product;
            }
        }
        return (int)(ulong)(product >> 64);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
