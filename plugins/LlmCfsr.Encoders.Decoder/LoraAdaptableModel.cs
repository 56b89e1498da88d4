using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// A text model (decoder language model or BERT encoder) whose projections carry LoRA adapters: adding, listing,
/// merging, saving and loading them in PEFT's layout is the same for every family, so it lives here once; a family
/// only says which projections it has and which PEFT target names they answer to.
/// </summary>
public abstract class LoraAdaptableModel : nn.Module<Tensor, Tensor, Tensor>, ILoraAdaptable
{
    /// <summary>Creates the module named <paramref name="name"/>.</summary>
    protected LoraAdaptableModel(string name) : base(name)
    {
    }

    /// <inheritdoc />
    public LoraSettings? Lora { get; private set; }

    /// <inheritdoc />
    public abstract IReadOnlyList<string> LoraTargetModules { get; }

    /// <summary>Every LoRA-capable projection with its PEFT target name, in parameter order.</summary>
    internal abstract IEnumerable<(string Name, DecoderLinear Projection)> Projections();

    /// <inheritdoc />
    public void AddLora(LoraSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Lora is not null)
        {
            throw new InvalidOperationException("The model already carries a LoRA adapter; merge it first.");
        }
        LoraProjections.Add(this, Projections(), settings, LoraTargetModules);
        Lora = settings;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> LoraParameters() => LoraProjections.Parameters(this);

    /// <summary>Folds every LoRA update into its base weight (W += B·A·alpha/r) and drops the adapters; outputs are unchanged.</summary>
    public void MergeLora()
    {
        LoraProjections.Merge(Projections());
        Lora = null;
    }

    /// <summary>Saves the LoRA weights as a PEFT adapter (<c>adapter_model.safetensors</c> + <c>adapter_config.json</c>).</summary>
    /// <exception cref="InvalidOperationException">The model carries no adapter.</exception>
    public void SaveLoraAdapter(string folder, string baseModelNameOrPath) => PeftAdapter.Save(this, folder, baseModelNameOrPath);

    /// <summary>Adds the PEFT adapter saved in <paramref name="folder"/> and loads its weights.</summary>
    public void LoadLoraAdapter(string folder) => PeftAdapter.Load(this, folder);
}
