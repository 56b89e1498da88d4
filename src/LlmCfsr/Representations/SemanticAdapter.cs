using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Representations;

/// <summary>
/// Maps frozen LLM item embeddings into the recommender's space by two affine maps with no activation between
/// them, Linear(d_llm → d_llm/2) then Linear(d_llm/2 → d), as in the LLM-CFSR paper's adapter equation and the
/// official LLM-ESR and LLMEmb code; optional dropout between the two (0 by default). The semantic view of
/// LLM-CFSR and LLM-ESR, and LLMEmb's adapter.
/// </summary>
public sealed class SemanticAdapter : nn.Module<Tensor, Tensor>
{
    private readonly Linear down;
    private readonly Dropout dropout;
    private readonly Linear project;

    /// <summary>Creates an adapter from <paramref name="inputSize"/> (d_llm) to <paramref name="outputSize"/> (d).</summary>
    public SemanticAdapter(int inputSize, int outputSize, double dropoutProbability = 0.0) : base(nameof(SemanticAdapter))
    {
        if (inputSize < 2) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The LLM embedding size must be at least 2.");
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "The output size must be positive.");
        down = nn.Linear(inputSize, inputSize / 2);
        dropout = nn.Dropout(dropoutProbability);
        project = nn.Linear(inputSize / 2, outputSize);
        RegisterComponents();
    }

    /// <summary>[..., d_llm] → [..., d].</summary>
    public override Tensor forward(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        return project.call(dropout.call(down.call(embeddings))).MoveToOuterDisposeScope();
    }
}
