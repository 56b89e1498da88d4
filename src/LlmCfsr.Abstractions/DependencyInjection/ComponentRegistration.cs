namespace LlmCfsr.DependencyInjection;

/// <summary>
/// Records that a part is registered under <see cref="Name"/>; the SDK uses these to list what is available
/// and to give clear errors for unknown names. Registered as a singleton per part.
/// </summary>
/// <param name="Kind">Which contract the part implements.</param>
/// <param name="Name">Registration name, lower case (the keyed-service key).</param>
/// <param name="ImplementationType">The class that implements it.</param>
public sealed record ComponentRegistration(ComponentKind Kind, string Name, Type ImplementationType)
{
    /// <summary>Normalises a user-supplied name to the key parts are registered under.</summary>
    public static string NormalizeName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Trim().ToLowerInvariant();
    }
}
