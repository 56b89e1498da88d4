namespace LlmCfsr.Training.Optimizers;

/// <summary>The hyper-parameters of one Adam or AdamW parameter group, read from its TorchSharp options.</summary>
internal readonly record struct AdamHyperParameters(double LearningRate, double Beta1, double Beta2, double Eps, double WeightDecay, bool AmsGrad, bool Maximize)
{
    public static AdamHyperParameters Of(TorchSharp.Modules.Adam.Options options)
        => new(options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value, options.amsgrad!.Value, options.maximize!.Value);

    public static AdamHyperParameters Of(TorchSharp.Modules.AdamW.Options options)
        => new(options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value, options.amsgrad!.Value, options.maximize!.Value);
}
