namespace LlmCfsr.DependencyInjection;

/// <summary>Records an options type the SDK validates in <c>Validate()</c>, with the configuration section it binds.</summary>
/// <param name="OptionsType">The options class.</param>
/// <param name="SectionPath">Configuration path it binds from (e.g. "LlmCfsr:Backbones:SasRec").</param>
public sealed record OptionsRegistration(Type OptionsType, string SectionPath);
