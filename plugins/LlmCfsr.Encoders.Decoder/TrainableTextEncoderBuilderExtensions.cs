using LlmCfsr.Encoders.Decoder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registration of trainable-encoder factories (the encoder plugins call it from their own <c>Add*</c> methods).</summary>
public static class TrainableTextEncoderBuilderExtensions
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
