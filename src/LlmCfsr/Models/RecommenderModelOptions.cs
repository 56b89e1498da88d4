using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCfsr.Models;

/// <summary>
/// The typed options of one model class (RecBole's per-model YAML, ML.NET GenAI's config class): what the model is
/// built from besides the training sizes of <see cref="Sequences.SequenceEncoderSettings"/> and its inputs. Each registration
/// binds its own named instance from configuration ("LlmCfsr:Models", then "LlmCfsr:Models:NAME"); a run saves the
/// instance it trained with, as it is, in <c>run.json</c>, and a saved run or bundle is rebuilt from it.
/// </summary>
public abstract record RecommenderModelOptions
{
    /// <summary>The configuration section every model's options bind from first (settings shared by the models).</summary>
    public const string Section = "LlmCfsr:Models";

    /// <summary>Embedding and hidden size of the model's backbone (64), unless the training options set one (<c>--hidden</c>).</summary>
    public int HiddenSize { get; set; } = 64;

    /// <summary>
    /// Attention heads of the model's backbone, unless the training options set them (<c>--heads</c>): 1 (SASRec's and
    /// BERT4Rec's reference settings); LLM-CFSR and its ablations set 4, as in the paper.
    /// </summary>
    public int Heads { get; set; } = 1;

    /// <summary>
    /// The inputs beyond the item ids the model needs (item embeddings of one kind each, user embeddings, a teacher run); each
    /// item-embedding input takes only caches of its kind (raw, CFT, SCFT, SAID stage 1), checked before training.
    /// </summary>
    [JsonIgnore]
    public virtual ModelInput Inputs => ModelInput.None;

    /// <summary>
    /// The inputs the model declared in runs before format 4, when every item embeddings a model read but the raw ones came
    /// from TrainingOptions.SemanticEmbeddingsPath: <see cref="Inputs"/> unless the model's input moved since.
    /// </summary>
    internal virtual ModelInput InputsBeforeFormat4 => Inputs;

    /// <summary>
    /// These options, read from <paramref name="recorded"/> (a run's or bundle's JSON), with each setting whose default changed
    /// since records without it were written set to what those records trained with. These options unless a model overrides it.
    /// </summary>
    internal virtual RecommenderModelOptions WithSettingsOlderRecordsLack(JsonElement recorded) => this;

    /// <summary>The registered id-only model whose finished run <see cref="ModelInput.TeacherRun"/> must hold; null without a teacher.</summary>
    [JsonIgnore]
    public virtual string? TeacherModel => null;

    /// <summary>The section of the options registered as <paramref name="name"/>: "LlmCfsr:Models:NAME".</summary>
    public static string SectionOf(string name) => $"{Section}:{name}";

    /// <summary>
    /// The problems of these options, each naming its key under <paramref name="section"/> (e.g.
    /// "LlmCfsr:Models:llm-esr:Neighbours must be positive (got 0)."); empty when they are valid.
    /// </summary>
    public virtual IEnumerable<string> Validate(string section)
        => OptionChecks.Positive($"{section}:{nameof(HiddenSize)}", HiddenSize)
            .Concat(OptionChecks.Positive($"{section}:{nameof(Heads)}", Heads))
            .Concat(Heads > 0 && HiddenSize % Heads != 0 ? [$"{section}:{nameof(Heads)} must divide {nameof(HiddenSize)} {HiddenSize} (got {Heads})."] : []);
}
