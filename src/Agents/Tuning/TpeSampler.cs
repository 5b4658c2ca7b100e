using MathNet.Numerics;

namespace RLFramework.Agents.Tuning;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate, as Optuna's default TPESampler: after
/// <see cref="StartupTrials"/> random trials, each parameter is drawn from a density fitted to the good trials and
/// chosen, among <see cref="Candidates"/> draws, to maximise the ratio of that density to one fitted to the others.
/// </summary>
/// <remarks>
/// <para>
/// Startup: while the history has fewer than <see cref="StartupTrials"/> trials that count (Complete with a number for
/// a value, or Pruned; Failed ones never count), trial t is drawn exactly as <see cref="RandomSampler"/> with the same
/// seed draws it. As in Optuna, the count is of finished trials, not the trial number, so failures do not end the
/// random phase early.
/// </para>
/// <para>
/// Then the counted trials (n of them) are split into "good", the best n_good = max(1, min(ceil(0.1 n), 25)), and
/// "bad", the rest. Complete trials rank by value (greater is better); Pruned trials rank below every Complete one,
/// those with more evaluations first, then by their last evaluation (Optuna's order). For each parameter
/// independently, in the order of the space, the good and bad trials that hold a valid value of it give two Parzen
/// estimators l (good) and g (bad); <see cref="Candidates"/> values are drawn from l and the one with the greatest
/// log l(x) - log g(x) is returned (the first of equals).
/// </para>
/// <para>
/// Floats and ints are modelled in a transformed space: the log of the value when the distribution is log, and ints
/// as continuous values over [low - 0.5, high + 0.5] that are rounded (and clamped) at the end. The estimator is an
/// equally weighted mixture of a prior component (mean: the middle of the range, sigma: its width) and one Gaussian
/// per observation with sigma the larger of the distances to its sorted neighbours, the range's ends counting as
/// neighbours, clipped to [width / min(100, 1 + n_obs), width] (hyperopt's rule); every component is truncated to the
/// range and renormalised by its mass inside. A categorical's estimator gives choice c the weight 1/k + (the group's
/// count of c), normalised (k choices).
/// </para>
/// <para>
/// Simplified relative to Optuna 3/4: no recency weights (Optuna down-weights the older observations of a group
/// beyond 25); the prior's mean is not a neighbour and not counted in n_obs when the bandwidths are set (Optuna counts
/// it, and with consider_endpoints=False does not use the range's ends for the outermost observations); ints are
/// scored by the continuous density at the unrounded candidate (Optuna uses the mass of the integer's cell); no
/// group, constant-liar or constraint options. Complete trials whose value is missing or NaN are
/// treated as failed; values in the history that the space cannot hold (another space's) are ignored for that
/// parameter.
/// </para>
/// <para>
/// Multivariate (<see cref="Multivariate"/>; Optuna's <c>multivariate=True</c>, the RL Zoo's choice): one joint estimator
/// per group instead of one per parameter, so that values which go well together are proposed together. Its
/// components are the group's trials that hold a valid value of every parameter, each a product of one kernel per
/// parameter, plus a prior component; all weigh the same. A numerical kernel is the truncated Gaussian at the trial's value
/// with Optuna's multivariate bandwidth, sigma = 0.2 n^(-1/(d + 4)) x width (n the group's components from trials, at
/// least 1; d the parameters), clipped as above; the prior's is the range's middle with sigma the width. A categorical
/// kernel gives the trial's choice weight 1 and every choice 1/(n + 1), normalised; the prior's is uniform.
/// <see cref="Candidates"/> joint draws (a component chosen uniformly, then each parameter from its kernel, in the order of
/// the space) are scored by log l(x) - log g(x), and the best is returned.
/// </para>
/// <para>
/// Deterministic given the seed, the history and the trial number: trial t draws from the same generator as the
/// random sampler's trial t, and the history is read in trial-number order.
/// </para>
/// </remarks>
public sealed class TpeSampler : ISampler
{
    private readonly int _seed;

    /// <summary>A TPE sampler.</summary>
    /// <param name="seed">Fixes every draw (with the history and the trial number).</param>
    /// <param name="startupTrials">Counted trials drawn at random before the estimators take over (Optuna: 10); at least 0.</param>
    /// <param name="candidates">Draws from the good estimator per parameter (Optuna: 24); at least 1.</param>
    /// <param name="multivariate">One joint estimator over all parameters (Optuna's multivariate TPE) instead of one per parameter.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="startupTrials"/> or <paramref name="candidates"/> below 1.</exception>
    public TpeSampler(int seed, int startupTrials = 10, int candidates = 24, bool multivariate = false)
    {
        Multivariate = multivariate;
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        _seed = seed;
        StartupTrials = startupTrials;
        Candidates = candidates;
    }

    /// <summary>Counted trials (Complete or Pruned) drawn at random before the estimators take over.</summary>
    public int StartupTrials { get; }

    /// <summary>Draws from the good estimator per parameter, of which the best ratio is kept.</summary>
    public int Candidates { get; }

    /// <summary>Whether one joint estimator models all parameters together (else one per parameter).</summary>
    public bool Multivariate { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sample(SearchSpace space, IReadOnlyList<TrialRecord> history, int trialNumber)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegative(trialNumber);
        var random = RandomSampler.TrialRandom(_seed, trialNumber);
        var ranked = Rank(history);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ranked.Count == 0 || ranked.Count < StartupTrials)
        {
            foreach (var (key, distribution) in space.Parameters)
                values[key] = RandomSampler.Draw(distribution, random);
            return values;
        }
        var goodCount = GoodCount(ranked.Count);
        var good = ranked.GetRange(0, goodCount);
        var bad = ranked.GetRange(goodCount, ranked.Count - goodCount);
        if (Multivariate)
            return SampleJoint(space, good, bad, random);
        foreach (var (key, distribution) in space.Parameters)
        {
            values[key] = distribution is CategoricalDistribution categorical
                ? SampleCategorical(key, categorical, good, bad, random)
                : SampleNumerical(key, distribution, good, bad, random);
        }
        return values;
    }

    /// <summary>The size of the good group among <paramref name="n"/> counted trials: max(1, min(ceil(0.1 n), 25)).</summary>
    internal static int GoodCount(int n) => Math.Max(1, Math.Min((n + 9) / 10, 25));

    /// <summary>
    /// The trials that count (Complete with a number for a value, and Pruned), best first: Complete by value
    /// descending, then Pruned by evaluations descending and last evaluation descending; ties by trial number.
    /// </summary>
    internal static List<TrialRecord> Rank(IReadOnlyList<TrialRecord> history)
    {
        var complete = new List<TrialRecord>();
        var pruned = new List<TrialRecord>();
        foreach (var trial in history)
        {
            if (trial.State == TrialState.Complete && trial.Value is { } value && !double.IsNaN(value))
                complete.Add(trial);
            else if (trial.State == TrialState.Pruned)
                pruned.Add(trial);
        }
        complete.Sort((a, b) => b.Value!.Value.CompareTo(a.Value!.Value) is var byValue and not 0 ? byValue : a.Number.CompareTo(b.Number));
        pruned.Sort((a, b) =>
        {
            var bySteps = b.Intermediate.Count.CompareTo(a.Intermediate.Count);
            if (bySteps != 0)
                return bySteps;
            var byLast = a.Intermediate.Count == 0 ? 0 : LastScore(b).CompareTo(LastScore(a));
            return byLast != 0 ? byLast : a.Number.CompareTo(b.Number);
        });
        complete.AddRange(pruned);
        return complete;

        // NaN ranks below every number.
        static double LastScore(TrialRecord trial) => trial.Intermediate[^1] is var last && double.IsNaN(last) ? double.NegativeInfinity : last;
    }

    private string SampleNumerical(string key, Distribution distribution, List<TrialRecord> good, List<TrialRecord> bad, Random random)
    {
        var (low, high) = TransformedRange(distribution);
        var l = new ParzenEstimator(Observations(key, distribution, good), low, high);
        var g = new ParzenEstimator(Observations(key, distribution, bad), low, high);
        var best = double.NaN;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var x = l.Sample(random);
            var score = l.LogDensity(x) - g.LogDensity(x);
            if (double.IsNaN(best) || score > bestScore)
                (best, bestScore) = (x, score);
        }
        return distribution switch
        {
            FloatDistribution f => SearchSpace.Format(RandomSampler.ClampFloat(f, f.Log ? Math.Exp(best) : best)),
            IntDistribution n => SearchSpace.Format(RandomSampler.RoundInt(n, n.Log ? Math.Exp(best) : best)),
            _ => throw new ArgumentException($"Unknown distribution type {distribution.GetType().Name}.", nameof(distribution)),
        };
    }

    private Dictionary<string, string> SampleJoint(SearchSpace space, List<TrialRecord> good, List<TrialRecord> bad, Random random)
    {
        var parameters = space.Parameters;
        var l = new JointParzenEstimator(parameters, JointObservations(parameters, good));
        var g = new JointParzenEstimator(parameters, JointObservations(parameters, bad));
        double[]? best = null;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var x = l.Sample(random);
            var score = l.LogDensity(x) - g.LogDensity(x);
            if (best is null || score > bestScore)
                (best, bestScore) = (x, score);
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var d = 0; d < parameters.Count; d++)
        {
            var (key, distribution) = parameters[d];
            values[key] = distribution switch
            {
                CategoricalDistribution c => c.Choices[(int)best![d]],
                FloatDistribution f => SearchSpace.Format(RandomSampler.ClampFloat(f, f.Log ? Math.Exp(best![d]) : best![d])),
                IntDistribution n => SearchSpace.Format(RandomSampler.RoundInt(n, n.Log ? Math.Exp(best![d]) : best![d])),
                _ => throw new ArgumentException($"Unknown distribution type {distribution.GetType().Name}.", nameof(space)),
            };
        }
        return values;
    }

    /// <summary>
    /// The group's trials that hold a valid value of every parameter, each as a row in the estimators' coordinates (the
    /// transformed value of a numerical parameter, the index of a categorical's choice), in the group's order.
    /// </summary>
    internal static List<double[]> JointObservations(IReadOnlyList<KeyValuePair<string, Distribution>> parameters, IReadOnlyList<TrialRecord> group)
    {
        var rows = new List<double[]>(group.Count);
        foreach (var trial in group)
        {
            var row = new double[parameters.Count];
            var complete = true;
            for (var d = 0; d < parameters.Count && complete; d++)
            {
                var (key, distribution) = parameters[d];
                if (distribution is CategoricalDistribution categorical)
                {
                    var c = trial.Parameters.TryGetValue(key, out var text) ? ChoiceIndex(categorical, text) : -1;
                    complete = c >= 0;
                    row[d] = c;
                }
                else
                {
                    var values = Observations(key, distribution, [trial]);
                    complete = values.Count == 1;
                    row[d] = complete ? values[0] : 0;
                }
            }
            if (complete)
                rows.Add(row);
        }
        return rows;
    }

    private string SampleCategorical(string key, CategoricalDistribution distribution, List<TrialRecord> good, List<TrialRecord> bad, Random random)
    {
        var l = CategoricalWeights(key, distribution, good);
        var g = CategoricalWeights(key, distribution, bad);
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var c = DrawIndex(l, random.NextDouble());
            var score = Math.Log(l[c]) - Math.Log(g[c]);
            if (best < 0 || score > bestScore)
                (best, bestScore) = (c, score);
        }
        return distribution.Choices[best];
    }

    /// <summary>The index i with p[0] + ... + p[i - 1] &lt;= u &lt; p[0] + ... + p[i] (the last one when rounding leaves u beyond the sum).</summary>
    internal static int DrawIndex(double[] probabilities, double u)
    {
        var cumulative = 0.0;
        for (var i = 0; i < probabilities.Length - 1; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative)
                return i;
        }
        return probabilities.Length - 1;
    }

    /// <summary>Choice probabilities of a group: (1/k + count of the choice) / (1 + the group's observations).</summary>
    internal static double[] CategoricalWeights(string key, CategoricalDistribution distribution, IReadOnlyList<TrialRecord> group)
    {
        var k = distribution.Choices.Count;
        var weights = new double[k];
        Array.Fill(weights, 1.0 / k);
        var total = 1.0;
        foreach (var trial in group)
        {
            if (trial.Parameters.TryGetValue(key, out var text) && ChoiceIndex(distribution, text) is var c and >= 0)
            {
                weights[c]++;
                total++;
            }
        }
        for (var c = 0; c < k; c++)
            weights[c] /= total;
        return weights;
    }

    private static int ChoiceIndex(CategoricalDistribution distribution, string text) => ChoiceIndex(distribution.Choices, text);

    /// <summary>The index of <paramref name="text"/> among <paramref name="choices"/> (as text, else as an equal number), or -1.</summary>
    internal static int ChoiceIndex(IReadOnlyList<string> choices, string text)
    {
        for (var c = 0; c < choices.Count; c++)
        {
            if (choices[c] == text)
                return c;
        }
        if (SearchSpace.TryParseNumber(text, out var value))
        {
            for (var c = 0; c < choices.Count; c++)
            {
                if (SearchSpace.TryParseNumber(choices[c], out var choice) && choice == value)
                    return c;
            }
        }
        return -1;
    }

    /// <summary>The range the estimators work on: log when the distribution is log; ints widened by half a unit each side.</summary>
    internal static (double Low, double High) TransformedRange(Distribution distribution) => distribution switch
    {
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High)),
        FloatDistribution f => (f.Low, f.High),
        IntDistribution { Log: true } n => (Math.Log(n.Low - 0.5), Math.Log(n.High + 0.5)),
        IntDistribution n => (n.Low - 0.5, n.High + 0.5),
        _ => throw new ArgumentException($"Not a numerical distribution: {distribution.GetType().Name}.", nameof(distribution)),
    };

    /// <summary>The group's values of the parameter inside its bounds, in the transformed space, in trial order as given.</summary>
    internal static List<double> Observations(string key, Distribution distribution, IReadOnlyList<TrialRecord> group)
    {
        var observations = new List<double>(group.Count);
        foreach (var trial in group)
        {
            if (!trial.Parameters.TryGetValue(key, out var text) || !SearchSpace.TryParseNumber(text, out var value))
                continue;
            switch (distribution)
            {
                case FloatDistribution f when value >= f.Low && value <= f.High:
                    observations.Add(f.Log ? Math.Log(value) : value);
                    break;
                case IntDistribution n when value >= n.Low && value <= n.High && value == Math.Floor(value):
                    observations.Add(n.Log ? Math.Log(value) : value);
                    break;
            }
        }
        return observations;
    }
}

/// <summary>
/// A one-dimensional Parzen estimator on [low, high]: an equally weighted mixture of a prior Gaussian (mean: the middle,
/// sigma: the width) and one Gaussian per observation (hyperopt's bandwidths), each truncated to the range.
/// </summary>
internal sealed class ParzenEstimator
{
    private static readonly double s_logSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    private readonly double _low;
    private readonly double _high;
    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _logNorms;
    private readonly double[] _cdfLow;
    private readonly double[] _cdfHigh;

    /// <summary>Fits the estimator; <paramref name="observations"/> must lie in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public ParzenEstimator(IReadOnlyList<double> observations, double low, double high)
    {
        _low = low;
        _high = high;
        var n = observations.Count;
        var width = high - low;
        _mus = new double[n + 1];
        _sigmas = new double[n + 1];
        // Components in sorted order (the mixture does not depend on the order; the draws do, so fix it).
        var sorted = observations.ToArray();
        Array.Sort(sorted);
        var minSigma = width / Math.Min(100.0, 1.0 + n);
        for (var i = 0; i < n; i++)
        {
            var left = i == 0 ? low : sorted[i - 1];
            var right = i == n - 1 ? high : sorted[i + 1];
            _mus[i] = sorted[i];
            _sigmas[i] = Math.Clamp(Math.Max(sorted[i] - left, right - sorted[i]), minSigma, width);
        }
        _mus[n] = 0.5 * (low + high);
        _sigmas[n] = width;
        _logNorms = new double[n + 1];
        _cdfLow = new double[n + 1];
        _cdfHigh = new double[n + 1];
        var logWeight = -Math.Log(n + 1);
        for (var i = 0; i <= n; i++)
        {
            _cdfLow[i] = NormalCdf((low - _mus[i]) / _sigmas[i]);
            _cdfHigh[i] = NormalCdf((high - _mus[i]) / _sigmas[i]);
            _logNorms[i] = logWeight - Math.Log(_sigmas[i]) - s_logSqrt2Pi - Math.Log(_cdfHigh[i] - _cdfLow[i]);
        }
    }

    /// <summary>The components' means; the prior's is last.</summary>
    public IReadOnlyList<double> Mus => _mus;

    /// <summary>The components' standard deviations (before truncation); the prior's is last.</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <summary>The log of the mixture's density at <paramref name="x"/> (negative infinity outside the range).</summary>
    public double LogDensity(double x)
    {
        if (!(x >= _low && x <= _high))
            return double.NegativeInfinity;
        var max = double.NegativeInfinity;
        Span<double> terms = _mus.Length <= 256 ? stackalloc double[_mus.Length] : new double[_mus.Length];
        for (var i = 0; i < _mus.Length; i++)
        {
            var z = (x - _mus[i]) / _sigmas[i];
            terms[i] = _logNorms[i] - (0.5 * z * z);
            max = Math.Max(max, terms[i]);
        }
        var sum = 0.0;
        foreach (var term in terms)
            sum += Math.Exp(term - max);
        return max + Math.Log(sum);
    }

    /// <summary>One draw: a component chosen uniformly, then its truncated Gaussian by the inverse of its CDF.</summary>
    public double Sample(Random random)
    {
        var i = random.Next(_mus.Length);
        return SampleTruncated(_mus[i], _sigmas[i], _cdfLow[i], _cdfHigh[i], _low, _high, random);
    }

    /// <summary>A draw of N(mu, sigma) truncated to [low, high] (whose CDF values there are given) by the inverse of its CDF.</summary>
    internal static double SampleTruncated(double mu, double sigma, double cdfLow, double cdfHigh, double low, double high, Random random)
    {
        var p = cdfLow + ((cdfHigh - cdfLow) * random.NextDouble());
        return Math.Clamp(mu + (sigma * Math.Sqrt(2) * SpecialFunctions.ErfInv((2 * p) - 1)), low, high);
    }

    /// <summary>The standard normal CDF.</summary>
    internal static double NormalCdf(double z) => 0.5 * (1 + SpecialFunctions.Erf(z / Math.Sqrt(2)));
}

/// <summary>
/// Optuna's multivariate Parzen estimator over a whole search space: an equally weighted mixture of one product kernel per
/// observed trial and a prior product (see <see cref="TpeSampler"/>'s remarks for the kernels and bandwidths). Points are
/// rows in the estimator's coordinates: transformed values for numerical parameters, choice indices for categoricals.
/// </summary>
internal sealed class JointParzenEstimator
{
    private static readonly double s_logSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Dimension[] _dimensions;
    private readonly int _components;

    /// <summary>Fits the estimator to <paramref name="observations"/> (rows of <paramref name="parameters"/>.Count values inside the ranges).</summary>
    public JointParzenEstimator(IReadOnlyList<KeyValuePair<string, Distribution>> parameters, IReadOnlyList<double[]> observations)
    {
        var n = observations.Count;
        _components = n + 1;
        _dimensions = new Dimension[parameters.Count];
        for (var d = 0; d < parameters.Count; d++)
        {
            var distribution = parameters[d].Value;
            if (distribution is CategoricalDistribution categorical)
            {
                var k = categorical.Choices.Count;
                var weights = new double[_components][];
                for (var i = 0; i <= n; i++)
                {
                    weights[i] = new double[k];
                    Array.Fill(weights[i], i < n ? 1.0 / _components : 1.0);
                    if (i < n)
                        weights[i][(int)observations[i][d]] += 1;
                    var sum = weights[i].Sum();
                    for (var c = 0; c < k; c++)
                        weights[i][c] /= sum;
                }
                _dimensions[d] = new Dimension(weights, [], [], [], [], 0, 0);
                continue;
            }
            var (low, high) = TpeSampler.TransformedRange(distribution);
            var width = high - low;
            var sigma = Math.Clamp(0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (parameters.Count + 4)) * width,
                width / Math.Min(100.0, 1.0 + _components), width);
            var mus = new double[_components];
            var sigmas = new double[_components];
            for (var i = 0; i < n; i++)
                (mus[i], sigmas[i]) = (observations[i][d], sigma);
            (mus[n], sigmas[n]) = (0.5 * (low + high), width);
            var cdfLow = new double[_components];
            var cdfHigh = new double[_components];
            var logNorms = new double[_components];
            for (var i = 0; i <= n; i++)
            {
                cdfLow[i] = ParzenEstimator.NormalCdf((low - mus[i]) / sigmas[i]);
                cdfHigh[i] = ParzenEstimator.NormalCdf((high - mus[i]) / sigmas[i]);
                logNorms[i] = -Math.Log(sigmas[i]) - s_logSqrt2Pi - Math.Log(cdfHigh[i] - cdfLow[i]);
            }
            _dimensions[d] = new Dimension(null, mus, sigmas, cdfLow, cdfHigh, low, high) { LogNorms = logNorms };
        }
    }

    /// <summary>The log of the mixture's density at <paramref name="x"/>: log of the mean over components of the product of their kernels.</summary>
    public double LogDensity(IReadOnlyList<double> x)
    {
        var terms = new double[_components];
        var max = double.NegativeInfinity;
        for (var i = 0; i < _components; i++)
        {
            var term = -Math.Log(_components);
            for (var d = 0; d < _dimensions.Length; d++)
                term += _dimensions[d].LogKernel(i, x[d]);
            terms[i] = term;
            max = Math.Max(max, term);
        }
        if (double.IsNegativeInfinity(max))
            return max;
        var sum = 0.0;
        foreach (var term in terms)
            sum += Math.Exp(term - max);
        return max + Math.Log(sum);
    }

    /// <summary>One draw: a component chosen uniformly, then each parameter from that component's kernel, in order.</summary>
    public double[] Sample(Random random)
    {
        var i = random.Next(_components);
        var x = new double[_dimensions.Length];
        for (var d = 0; d < _dimensions.Length; d++)
            x[d] = _dimensions[d].Sample(i, random);
        return x;
    }

    /// <summary>One parameter's kernels: choice weights per component (categorical) or truncated Gaussians (numerical).</summary>
    private sealed record Dimension(double[][]? Weights, double[] Mus, double[] Sigmas, double[] CdfLow, double[] CdfHigh, double Low, double High)
    {
        public double[] LogNorms { get; init; } = [];

        public double LogKernel(int i, double x)
        {
            if (Weights is not null)
                return Math.Log(Weights[i][(int)x]);
            if (!(x >= Low && x <= High))
                return double.NegativeInfinity;
            var z = (x - Mus[i]) / Sigmas[i];
            return LogNorms[i] - (0.5 * z * z);
        }

        public double Sample(int i, Random random)
        {
            return Weights is not null
                ? TpeSampler.DrawIndex(Weights[i], random.NextDouble())
                : ParzenEstimator.SampleTruncated(Mus[i], Sigmas[i], CdfLow[i], CdfHigh[i], Low, High, random);
        }
    }
}
