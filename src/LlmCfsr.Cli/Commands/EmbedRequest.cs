namespace LlmCfsr.Cli.Commands;

/// <summary>The encoder flags of <c>llmcfsr embed</c>, checked and turned into configuration for the encoder plugins.</summary>
/// <param name="Encoder">--encoder, or null.</param>
/// <param name="Model">--model, or null.</param>
/// <param name="Adapter">--adapter, or null.</param>
/// <param name="Device">--device, or null.</param>
internal sealed record EmbedRequest(string? Encoder, string? Model, string? Adapter, string? Device)
{
    /// <summary>The encoder name to resolve: --encoder, or MiniLM when no LLM folder is given.</summary>
    public string ResolveEncoderName()
    {
        if (string.IsNullOrWhiteSpace(Encoder))
        {
            if (Model is not null || Adapter is not null || Device is not null)
            {
                throw new ArgumentException("--model, --adapter and --device configure a TorchSharp encoder: choose it with --encoder bert, llama2 or qwen25.");
            }
            return EmbedEncoders.DefaultEncoder;
        }
        var name = Encoder.Trim().ToLowerInvariant();
        if (name == EmbedEncoders.DefaultEncoder && (Model is not null || Adapter is not null || Device is not null))
        {
            throw new ArgumentException("minilm runs the all-MiniLM-L6-v2 model shipped with LlmCfsr on the CPU; --model, --adapter and --device apply to bert (which runs the same model in TorchSharp, with adapters), llama2 and qwen25.");
        }
        return name;
    }

    /// <summary>Configuration keys "LlmCfsr:Encoders:&lt;name&gt;:ModelPath/AdapterPath/Device" for the flags that were given.</summary>
    public IReadOnlyDictionary<string, string?> Settings(string encoderName)
    {
        var section = $"LlmCfsr:Encoders:{encoderName}";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Model is not null)
        {
            // "minilm" names the packaged all-MiniLM-L6-v2 for the bert encoder; anything else is a folder.
            settings[$"{section}:ModelPath"] = Model.Equals("minilm", StringComparison.OrdinalIgnoreCase) ? Model : Path.GetFullPath(Model);
        }
        if (Adapter is not null)
        {
            settings[$"{section}:AdapterPath"] = Path.GetFullPath(Adapter);
        }
        if (Device is not null)
        {
            settings[$"{section}:Device"] = Device;
        }
        return settings;
    }
}
