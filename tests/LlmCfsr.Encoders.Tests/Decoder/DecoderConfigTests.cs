using LlmCfsr.Encoders.Decoder;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class DecoderConfigTests
{
    [Fact]
    public void Reads_a_qwen2_config_with_defaults_resolved()
    {
        var config = Load("""
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 152064, "hidden_size": 3584,
             "intermediate_size": 18944, "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": false, "use_sliding_window": false,
             "sliding_window": 131072, "rope_scaling": null, "eos_token_id": 151643, "torch_dtype": "bfloat16"}
            """);
        Assert.True(config.HasQkvBias);
        Assert.Equal(128, config.HeadSize);
        Assert.Equal(4, config.KeyValueHeads);
        Assert.Equal(151643, config.EosTokenId);
    }

    [Fact]
    public void Llama_defaults_to_no_bias_and_full_heads_and_accepts_eos_lists()
    {
        var config = Load("""{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "eos_token_id": [7, 9]}""");
        Assert.False(config.HasQkvBias);
        Assert.Equal(2, config.KeyValueHeads);
        Assert.Equal(7, config.EosTokenId);
    }

    [Theory]
    [InlineData("\"model_type\": \"gpt2\"", "field 'model_type' is 'gpt2'")]
    [InlineData("\"num_key_value_heads\": 3", "must be a multiple of 'num_key_value_heads' (3)")]
    [InlineData("\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}", "field 'rope_scaling' is set")]
    [InlineData("\"use_sliding_window\": true", "field 'use_sliding_window' is true")]
    [InlineData("\"hidden_act\": \"gelu\"", "only 'silu'")]
    public void Unsupported_settings_fail_naming_the_file_and_field(string field, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load($$"""{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, {{field}}}"""));
        Assert.Contains("config.json", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Malformed_json_reports_the_line()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load("{\n\"model_type\": \"llama\",\n\"vocab_size\": ,\n}"));
        Assert.Contains("config.json: line 3", error.Message);
    }

    private static DecoderConfig Load(string json)
    {
        var path = Path.Combine(TestModels.TempFolder(), "config.json");
        File.WriteAllText(path, json);
        return DecoderConfig.Load(path);
    }
}
