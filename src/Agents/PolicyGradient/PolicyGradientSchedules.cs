namespace RLFramework.Agents.PolicyGradient;

/// <summary>Step-size and momentum schedules (t = 0, 1, ...), as in Fatkhullin, Barakat, Kireeva, He, ICML 2023 (arXiv 2302.01734).</summary>
internal static class PolicyGradientSchedules
{
    /// <summary>Vanilla and normalized PG: gamma_t = gamma_0 (2/(t+2))^(2/3).</summary>
    public static double VanillaStep(double gamma0, int t) => gamma0 * Math.Pow(2.0 / (t + 2), 2.0 / 3.0);

    /// <summary>N-PG-IGT: gamma_t = gamma_0 2/(t+2).</summary>
    public static double IgtStep(double gamma0, int t) => gamma0 * 2.0 / (t + 2);

    /// <summary>N-PG-IGT: eta_t = eta_0 (2/(t+2))^(4/5).</summary>
    public static double IgtMomentum(double eta0, int t) => eta0 * Math.Pow(2.0 / (t + 2), 0.8);

    /// <summary>(N)-HARPG: eta_t = eta_0 2/(t+2).</summary>
    public static double HarpgMomentum(double eta0, int t) => eta0 * 2.0 / (t + 2);

    /// <summary>HARPG: gamma_t = gamma_0 (2/(t+2))^(1/2).</summary>
    public static double HarpgStep(double gamma0, int t) => gamma0 * Math.Sqrt(2.0 / (t + 2));

    /// <summary>N-HARPG: gamma_t = gamma_0 2/(t+2).</summary>
    public static double NHarpgStep(double gamma0, int t) => gamma0 * 2.0 / (t + 2);
}
