namespace LlmCfsr.Evaluation;

/// <summary>
/// Student's t distribution via the regularized incomplete beta function:
/// P(|T| &gt;= t) = I_{v/(v+t²)}(v/2, 1/2) for v degrees of freedom.
/// </summary>
internal static class StudentTDistribution
{
    /// <summary>P(T &lt;= t) for <paramref name="degreesOfFreedom"/> &gt; 0.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        double tail = 0.5 * TwoSidedPValue(t, degreesOfFreedom);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>P(|T| &gt;= |t|), the two-sided p-value of statistic <paramref name="t"/>.</summary>
    public static double TwoSidedPValue(double t, double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Degrees of freedom must be positive.");
        }
        if (double.IsNaN(t))
        {
            return double.NaN;
        }
        if (double.IsInfinity(t))
        {
            return 0;
        }
        double x = degreesOfFreedom / (degreesOfFreedom + t * t);
        return RegularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
    }

    /// <summary>I_x(a, b) by Lentz's continued fraction (Numerical Recipes 6.4), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) for fast convergence.</summary>
    internal static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }
        if (x >= 1)
        {
            return 1;
        }
        double logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x < (a + 1) / (a + b + 2))
        {
            return Math.Exp(logFront) * BetaContinuedFraction(x, a, b) / a;
        }
        return 1 - Math.Exp(logFront) * BetaContinuedFraction(1 - x, b, a) / b;
    }

    private static double BetaContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-15;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < epsilon)
            {
                return h;
            }
        }
        throw new InvalidOperationException($"The incomplete beta continued fraction did not converge for x={x}, a={a}, b={b}.");
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 coefficients; relative error below 1e-15).</summary>
    internal static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = coefficients[0];
        for (int i = 1; i < coefficients.Length; i++)
        {
            sum += coefficients[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
