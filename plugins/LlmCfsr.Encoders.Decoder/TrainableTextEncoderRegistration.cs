using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Registration of trainable-encoder factories.</summary>
public static class TrainableTextEncoderRegistration
{
    /// <summary>Registers <typeparamref name="TFactory"/> (once) and the <see cref="TrainableTextEncoders"/> catalogue.</summary>
    public static ILlmCfsrBuilder AddTrainableTextEncoderFactory<TFactory>(this ILlmCfsrBuilder builder)
        where TFactory : class, ITrainableTextEncoderFactory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainableTextEncoderFactory, TFactory>());
        builder.Services.TryAddSingleton<TrainableTextEncoders>();
        return builder;
    }
}
