using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// LLM-ESR's teacher passes: how the batch's distinct neighbours are cut into passes, and that no cut changes the
/// exact form (the distillation loss and its gradients equal the naive per-neighbour teacher's).
/// </summary>
public sealed class UserSelfDistillationTests
{
    [Fact]
    public void PassesMinimiseEncodedCellsPlusAFixedCostPerPass()
    {
        // Lengths 2, 2, 2, 3, 50 at 4 cells per pass: one pass costs 5·50 + 4 = 254; {2,2,2,3} {50} cost 4·3 + 4 + 50 + 4 = 70;
        // {2,2,2} {3} {50} cost 6 + 4 + 3 + 4 + 50 + 4 = 71.
        long[] lengths = [2, 2, 2, 3, 50];
        Assert.Equal([(0, 4), (4, 1)], TeacherPassPlan.Split(lengths, maxRows: 512, passOverheadCells: 4));
        // Free passes: one per distinct length; prohibitive ones: a single pass.
        Assert.Equal([(0, 3), (3, 1), (4, 1)], TeacherPassPlan.Split(lengths, maxRows: 512, passOverheadCells: 0));
        Assert.Equal([(0, 5)], TeacherPassPlan.Split(lengths, maxRows: 512, passOverheadCells: 1L << 40));
        // At most maxRows rows per pass, cut into near-equal pieces; an empty history still costs width 1.
        Assert.Equal([(0, 1), (1, 2), (3, 2)], TeacherPassPlan.Split([0, 0, 0, 0, 0], maxRows: 2, passOverheadCells: 1L << 40));
        Assert.Empty(TeacherPassPlan.Split([], maxRows: 2, passOverheadCells: 4));
        Assert.Throws<ArgumentException>(() => TeacherPassPlan.Split([3, 2], maxRows: 2, passOverheadCells: 4));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(UserSelfDistillation.DefaultPassOverheadCells)]
    [InlineData(1L << 40)]
    public void AnyPassPlanGivesTheNaiveTeachersLossAndGradients(long passOverheadCells)
    {
        using var services = TestServices.Build(("LlmCfsr:Models:LlmEsr:Neighbours", "3"));
        using var model = (DualViewRecommender)Fixtures.Create(services, "llm-esr");
        var distillation = model.SelfDistillation!;
        distillation.PassOverheadCells = passOverheadCells;
        using var scope = NewDisposeScope();
        // Dropout off, so the teacher is a function of the parameters alone (in training mode each pass draws its own masks).
        model.eval();
        var users = tensor(new long[] { 1, 5, 9, 12, 17, 23, 30, 41 });
        var plan = distillation.TeacherPasses(users);
        if (passOverheadCells == 0)
        {
            Assert.True(plan.Count > 1, "free passes must cut the batch's neighbours into several passes");
        }
        var inputs = distillation.TrainingInputTable;
        var batchItems = inputs.index_select(0, users);

        // Reference: each neighbour encoded alone, averaged, detached; the loss 0.1 · MSE(student, teacher).
        Tensor naive;
        using (no_grad())
        {
            var neighbours = distillation.NeighbourTable.index_select(0, users);
            naive = stack(Enumerable.Range(0, (int)users.shape[0]).Select(b =>
                stack(neighbours[b].data<long>().ToArray().Select(n => model.EncodeHistories(inputs[n].unsqueeze(0)).squeeze(0)).ToArray()).mean([0])).ToArray());
        }
        using var weight = 0.1.ToScalar();
        var expectedLoss = nn.functional.mse_loss(model.EncodeHistories(batchItems), naive).mul(weight);
        expectedLoss.backward();
        var expectedGradients = model.parameters().Select(p => p.grad?.clone()).ToArray();
        model.zero_grad();

        var loss = distillation.Compute(model, users, model.EncodeHistories(batchItems));
        loss.backward();
        Assert.Equal(expectedLoss.item<float>(), loss.item<float>(), 6);
        var gradients = model.parameters().Select(p => p.grad).ToArray();
        Assert.Contains(gradients, g => g is not null && g.abs().sum().item<float>() > 0);
        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.Equal(expectedGradients[i] is null, gradients[i] is null);
            if (gradients[i] is { } gradient)
            {
                Assert.True(gradient.allclose(expectedGradients[i]!, 1e-4, 1e-6), $"gradient {i} differs");
            }
        }
    }
}
