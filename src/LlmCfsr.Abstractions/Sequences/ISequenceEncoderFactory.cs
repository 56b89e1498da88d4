namespace LlmCfsr.Sequences;

/// <summary>
/// Creates backbones. Registered under a name on the DI builder; models ask for a backbone by name and create
/// as many as they need (one shared encoder, or one per view when sharing is switched off).
/// </summary>
public interface ISequenceEncoderFactory
{
    /// <summary>The registration name (e.g. "sasrec").</summary>
    string Name { get; }

    /// <summary>The direction every backbone from this factory has.</summary>
    SequenceDirection Direction { get; }

    /// <summary>Creates a backbone with fresh parameters on the CPU.</summary>
    ISequenceEncoder Create(SequenceEncoderSettings settings);
}
