using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Hugging Face <c>BertEmbeddings</c>: word + learned absolute position + token type (segment 0), LayerNorm, dropout.</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "word_embeddings")]
    private readonly Embedding _words;
    [ComponentName(Name = "position_embeddings")]
    private readonly Embedding _positions;
    [ComponentName(Name = "token_type_embeddings")]
    private readonly Embedding _tokenTypes;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm _norm;
    private readonly double _dropout;

    public BertEmbeddings(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertEmbeddings))
    {
        _words = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId, device: device, dtype: dtype);
        _positions = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device, dtype: dtype);
        _tokenTypes = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: device, dtype: dtype);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        _dropout = config.HiddenDropoutProb;
        RegisterComponents();
    }

    public Parameter WordEmbeddings => _words.weight!;

    /// <param name="inputIds">int64 [batch, length].</param>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = torch.NewDisposeScope();
        using var length = inputIds.shape[1].ToScalar();
        var positions = TensorArithmetic.Arange(length, ScalarType.Int64, inputIds.device);
        // Every input is one segment (token type 0), as sentence-transformers feeds single texts.
        var summed = TensorArithmetic.Plus(TensorArithmetic.Plus(_words.call(inputIds), _positions.call(positions).unsqueeze(0)), _tokenTypes.weight![0]);
        return nn.functional.dropout(_norm.call(summed), _dropout, training).MoveToOuterDisposeScope();
    }
}
