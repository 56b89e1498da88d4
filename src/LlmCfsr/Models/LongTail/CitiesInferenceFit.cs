using System.Diagnostics;
using LlmCfsr.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// CITIES's stage 2 as its official code runs it (swonj90/CITIES, cities.py <c>CITIES.train</c>, config.py): the inference network
/// alone, trained with Adam (ε 1e-6) whose learning rate rises linearly over the warm-up steps (and then decays linearly to zero
/// at step 1,000,000, as the official scheduler), in epochs of ⌊training head items / items per step⌋ few-shot steps; after
/// every epoch the MSE on the held-out head items, each shown 1..MaxShots contexts; it stops once that MSE has not fallen for
/// the patience. The held-out items are drawn from the head items with the run's generator.
/// Two differences, both to make the stopping rule less noisy: the held-out items are shown the same context draws at every
/// epoch (the official loop draws new ones, so it compares epochs on different samples), and the weights of the epoch with the
/// lowest held-out MSE are kept (the official loop keeps its last, one patience later). An epoch has at least one step (the
/// official loop has none when there are fewer training head items than items per step).
/// </summary>
internal static class CitiesInferenceFit
{
    private const double AdamEpsilon = 1e-6;
    private const int DecayStart = 100;
    private const int DecayEnd = 1_000_000;

    public static OwnScheduleResult Run(CitiesRecommender model, CitiesOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var network = model.Inference;
        var device = model.Device;
        var (training, heldOut) = Split(model.Contexts, options.HeldOutHeadShare);
        using var trainingItems = training;
        using var heldOutItems = heldOut;
        var heldOutDraws = Enumerable.Range(1, options.MaxShots).Select(shots => model.Contexts.DrawContexts(heldOutItems, shots)).ToArray();
        try
        {
            using var optimizer = new Training.Optimizers.Adam(network.parameters(), options.InferenceLearningRate, 0.9, 0.999, AdamEpsilon);
            var schedule = optim.lr_scheduler.LambdaLR(optimizer, step => LearningRateFactor(step, options.InferenceWarmupSteps));
            int steps = (int)Math.Max(1, trainingItems.shape[0] / options.ItemsPerStep);
            var best = (Epoch: 0, Loss: double.PositiveInfinity, Weights: (Dictionary<string, Tensor>?)null);
            int epoch = 0;
            try
            {
                while (epoch < options.InferenceMaxEpochs && epoch - best.Epoch < options.InferencePatience)
                {
                    epoch++;
                    var clock = Stopwatch.StartNew();
                    double lossSum = 0;
                    network.train();
                    for (int step = 0; step < steps; step++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        optimizer.zero_grad();
                        var loss = model.InferenceLoss(trainingItems, device);
                        loss.backward();
                        optimizer.step();
                        schedule.step();
                        lossSum += loss.item<float>();
                    }
                    double heldOutLoss = HeldOutLoss(model, heldOutItems, heldOutDraws, device);
                    if (heldOutLoss < best.Loss)
                    {
                        DisposeAll(best.Weights);
                        best = (epoch, heldOutLoss, network.state_dict().ToDictionary(weight => weight.Key, weight => weight.Value.detach().clone().DetachFromDisposeScope()));
                    }
                    progress?.Report(new TrainingProgress
                    {
                        Epoch = epoch,
                        Epochs = options.InferenceMaxEpochs,
                        Step = steps,
                        StepsPerEpoch = steps,
                        Loss = lossSum / steps,
                        SequencesPerSecond = steps * options.ItemsPerStep / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
                    });
                }
                if (best.Weights is null)
                {
                    throw new InvalidOperationException($"CITIES's inference network gave no finite held-out MSE in {epoch} epochs; lower InferenceLearningRate ({options.InferenceLearningRate}).");
                }
                network.load_state_dict(best.Weights);
            }
            finally
            {
                DisposeAll(best.Weights);
            }
            network.eval();
            return new OwnScheduleResult
            {
                Epochs = epoch,
                BestEpoch = best.Epoch,
                BestLoss = best.Loss,
                Converged = epoch - best.Epoch >= options.InferencePatience,
                LossName = "held-out head-item MSE",
            };
        }
        finally
        {
            foreach (var draw in heldOutDraws)
            {
                draw.Dispose();
            }
        }
    }

    /// <summary>The official learning-rate factor at step <paramref name="step"/> (from 0): linear warm-up times linear decay.</summary>
    internal static double LearningRateFactor(int step, int warmupSteps)
        => Math.Min(1.0, (step + 1.0) / warmupSteps) * (1.0 - (Math.Max(0, step - DecayStart) / (double)(DecayEnd - DecayStart)));

    /// <summary>The head items split into training and held-out ones (int64, CPU): a random <paramref name="share"/> of them, at least one, held out.</summary>
    private static (Tensor Training, Tensor HeldOut) Split(CitiesContexts contexts, double share)
    {
        long count = contexts.HeadItems.shape[0];
        if (count < 2)
        {
            throw new ArgumentException($"CITIES needs at least two head items with contexts to hold one out for convergence (found {count}); set ConvergeBeforeReplacing to false to train without.");
        }
        long heldOut = Math.Clamp((long)Math.Round(count * share, MidpointRounding.AwayFromZero), 1, count - 1);
        using var scope = NewDisposeScope();
        var order = contexts.HeadItems.index_select(0, randperm(count));
        return (order.narrow(0, heldOut, count - heldOut).contiguous().DetachFromDisposeScope(), order.narrow(0, 0, heldOut).contiguous().DetachFromDisposeScope());
    }

    /// <summary>The mean MSE over shot counts 1..MaxShots of the held-out items shown their fixed context draws (evaluation mode, no gradients).</summary>
    private static double HeldOutLoss(CitiesRecommender model, Tensor items, Tensor[] draws, Device device)
    {
        model.Inference.eval();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var draw in draws)
        {
            long perPass = Math.Max(1, CitiesRecommender.InferenceChunk / draw.shape[1]);
            for (long start = 0; start < items.shape[0]; start += perPass)
            {
                using var scope = NewDisposeScope();
                long length = Math.Min(perPass, items.shape[0] - start);
                sum += model.ShotLoss(items.narrow(0, start, length), draw.narrow(0, start, length), device).item<float>() * length;
            }
        }
        return sum / (draws.Length * items.shape[0]);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? weights)
    {
        foreach (var weight in weights?.Values ?? Enumerable.Empty<Tensor>())
        {
            weight.Dispose();
        }
    }
}
