using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// CITIES's embedding-inference function F_φ: K contexts of an item → one embedding. Each context is the item's neighbours in
/// a training sequence (W items before, a mask in the item's place, W after), embedded with the frozen pretrained item table,
/// weighted per position (a learned scalar per slot, starting at 1), plus sinusoidal positions / √d and dropout; a context
/// interpreter (post-norm Transformer layers, padding never attended to) reads it and its real slots are averaged; a context
/// aggregator (the same layers across the K contexts, no positions) mixes the contexts, which are averaged and mapped by a
/// linear output layer.
/// </summary>
internal sealed class ContextualEmbeddingInference : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter mask_embedding;
    private readonly Parameter position_weights;
    private readonly Tensor positions;
    private readonly Dropout input_dropout;
    private readonly ModuleList<TransformerBlock> interpreter;
    private readonly ModuleList<TransformerBlock>? aggregator;
    private readonly Linear output;
    private readonly int _window;

    public ContextualEmbeddingInference(int hidden, int window, CitiesOptions options) : base(nameof(ContextualEmbeddingInference))
    {
        _window = window;
        int width = (2 * window) + 1;
        mask_embedding = nn.Parameter(zeros(hidden));
        position_weights = nn.Parameter(ones(width));
        positions = Sinusoids(width, hidden);
        input_dropout = nn.Dropout(options.InferenceDropout);
        TransformerBlock Layer(string name, int i) => new($"{name}{i}", TransformerBlockForm.PostNorm, hidden, options.InferenceHeads, 2 * hidden, options.InferenceDropout, 1e-6);
        interpreter = new ModuleList<TransformerBlock>([.. Enumerable.Range(0, options.InferenceLayers).Select(i => Layer("interpreter", i))]);
        aggregator = options.ContextAggregator
            ? new ModuleList<TransformerBlock>([.. Enumerable.Range(0, options.InferenceLayers).Select(i => Layer("aggregator", i))])
            : null;
        output = nn.Linear(hidden, hidden);
        RegisterComponents();
    }

    /// <param name="contexts">Item ids [b, K, 2W + 1] (0 = padding; the centre column is ignored: it is the mask).</param>
    /// <param name="table">The frozen pretrained item table [items + 1, d].</param>
    /// <returns>The inferred embeddings [b, d].</returns>
    public override Tensor forward(Tensor contexts, Tensor table)
    {
        using var scope = NewDisposeScope();
        long b = contexts.shape[0], k = contexts.shape[1], width = contexts.shape[2], d = table.shape[1];
        var ids = contexts.reshape(b * k, width);
        var centre = zeros([width], dtype: ScalarType.Bool, device: ids.device);
        centre[_window] = tensor(true, device: ids.device);
        var real = ItemIds.IsReal(ids).logical_or(centre.unsqueeze(0));
        var x = table.index_select(0, ids.reshape(-1)).reshape(b * k, width, d);
        x = where(centre.unsqueeze(0).unsqueeze(-1), mask_embedding.to(x.dtype), x);
        x = input_dropout.call(TensorArithmetic.Plus(x.mul(position_weights.to(x.dtype).unsqueeze(-1)), positions.to(x.dtype).unsqueeze(0)));
        var keys = real.unsqueeze(1).unsqueeze(1).expand(b * k, 1, width, width);
        foreach (var layer in interpreter)
        {
            x = layer.call(x, keys);
        }
        var weights = real.to(x.dtype).unsqueeze(-1);
        var interpreted = x.mul(weights).sum(1).div(weights.sum(1)).reshape(b, k, d);
        if (aggregator is not null)
        {
            var all = ones([b, 1, k, k], dtype: ScalarType.Bool, device: ids.device);
            foreach (var layer in aggregator)
            {
                interpreted = layer.call(interpreted, all);
            }
        }
        return output.call(interpreted.mean([1])).MoveToOuterDisposeScope();
    }

    /// <summary>The Transformer's sinusoidal positions [width, d] divided by √d, as the official code scales them.</summary>
    private static Tensor Sinusoids(int width, int hidden)
    {
        var values = new float[width * hidden];
        for (int p = 0; p < width; p++)
        {
            for (int i = 0; i < hidden; i++)
            {
                double angle = p / Math.Pow(10000, 2 * (i / 2) / (double)hidden);
                values[(p * hidden) + i] = (float)((i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle)) / Math.Sqrt(hidden));
            }
        }
        return tensor(values, [width, hidden]);
    }
}
