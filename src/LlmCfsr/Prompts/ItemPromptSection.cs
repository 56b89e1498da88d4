namespace LlmCfsr.Prompts;

/// <summary>Where a rendered attribute goes in an item's text.</summary>
public enum ItemPromptSection
{
    /// <summary>"The X has following attributes: label is value; ..." (every attribute of the built-in templates).</summary>
    Attributes,

    /// <summary>"The item has following features: value; ..." (custom templates that name feature attributes).</summary>
    Features,

    /// <summary>"The item has following descriptions: value; ..." (custom templates that name description attributes).</summary>
    Descriptions,
}
