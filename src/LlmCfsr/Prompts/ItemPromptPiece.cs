namespace LlmCfsr.Prompts;

/// <summary>
/// One rendered attribute of an item's text, e.g. "brand is Bic": the unit that contrastive views keep or drop
/// (<see cref="AttributeViewGenerator"/>) and that <see cref="ItemPromptTemplate.Compose"/> joins into the text.
/// </summary>
/// <param name="Attribute">The attribute's name in the dataset, e.g. "brand".</param>
/// <param name="Section">The part of the text the piece belongs to.</param>
/// <param name="Text">The rendered piece: "label is value" in <see cref="ItemPromptSection.Attributes"/>, the bare value otherwise.</param>
public sealed record ItemPromptPiece(string Attribute, ItemPromptSection Section, string Text);
