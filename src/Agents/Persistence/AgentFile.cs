using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Rollouts;
using RLFramework.Boosting;
using RLFramework.Environments;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Agents.Persistence;

/// <summary>
/// The agent file: everything needed to evaluate or resume an agent, in one file written atomically.
/// Layout: magic "RLFWAGNT", int32 format version, int64 payload length, payload, SHA-256 of the payload.
/// Payload: the header as JSON (algorithm, environment id and spaces, options, counters, random state,
/// log-std and its Adam state, normalization statistics, finished episodes), then the ensembles, each
/// as an int64 length and the booster's own versioned format (an MLP agent: one such section holding the
/// networks' parameters and Adam state, <see cref="MlpActorCriticPolicy"/>), then (version 2) the environments' history since
/// their reset (<see cref="EnvironmentHistory"/>, so a resumed run continues bit for bit), then the algorithm's own state
/// (AWR: the replay buffer). Version 1 files (no history) still load; their environments reset on the first step.
/// </summary>
internal static class AgentFile
{
    public const int FormatVersion = 2;
    private const int FirstVersionWithHistory = 2;
    private static readonly byte[] s_magic = "RLFWAGNT"u8.ToArray();

    internal static JsonSerializerOptions Json { get; } = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public static void Save(ActorCriticAgent agent, string path)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var policy = agent.Policy;
        var gbrl = policy as GbrlActorCriticPolicy;
        var mlp = policy as MlpActorCriticPolicy;
        var expected = agent.PolicyOptions.Policy;
        if ((expected == PolicyKind.Gbrl && gbrl is null) || (expected == PolicyKind.Mlp && mlp is null))
            throw new NotSupportedException($"Only agents whose policy options name their policy (GBRL or MLP) can be saved; this one runs a {policy.GetType().Name} with policy option '{expected}'.");
        var normalizer = agent.Normalizer;
        var header = new AgentFileHeader
        {
            Algorithm = agent.Algorithm,
            EnvironmentId = agent.EnvironmentId,
            EnvironmentKwargs = agent.EnvironmentSetup.Kwargs.Count == 0 ? null : [.. agent.EnvironmentSetup.Kwargs],
            EnvironmentWrappers = agent.EnvironmentSetup.Wrappers.Count == 0 ? null : [.. agent.EnvironmentSetup.Wrappers],
            ObservationSpace = PolicySpaces.Describe(agent.Environment.SingleObservationSpace),
            ActionSpace = PolicySpaces.Describe(agent.Environment.SingleActionSpace),
            ObservationSize = policy.ObservationSize,
            Seed = agent.Seed,
            Options = JsonSerializer.SerializeToElement(agent.Options, agent.Options.GetType(), Json),
            Policy = agent.PolicyOptions,
            Timesteps = agent.NumTimesteps,
            Iterations = agent.Iterations,
            PolicyVersion = policy.Version,
            RandomState = agent.Random.GetState(),
            LogStd = policy.LogStd.ToArray(),
            AdamFirstMoment = gbrl?.LogStdOptimizer.FirstMoment ?? [],
            AdamSecondMoment = gbrl?.LogStdOptimizer.SecondMoment ?? [],
            AdamSteps = gbrl?.LogStdOptimizer.StepCount ?? 0,
            ObservationMean = normalizer.ObservationStatistics.Mean.ToArray(),
            ObservationVariance = normalizer.ObservationStatistics.Variance.ToArray(),
            ObservationCount = normalizer.ObservationStatistics.Count,
            ReturnMean = normalizer.ReturnStatistics.Mean[0],
            ReturnVariance = normalizer.ReturnStatistics.Variance[0],
            ReturnCount = normalizer.ReturnStatistics.Count,
            DiscountedReturns = normalizer.DiscountedReturns,
            Episodes = [.. agent.Episodes.Episodes.Select(e => new[] { e.Timestep, e.Return, e.Length })],
            RunningReturns = agent.Episodes.RunningReturns.ToArray(),
            RunningLengths = agent.Episodes.RunningLengths.ToArray(),
            TargetTimesteps = agent.TargetTimesteps,
            EnvironmentResetSeed = agent.Collector.History.ResetSeed,
        };

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(JsonSerializer.Serialize(header, Json));
            if (mlp is not null)
            {
                // The MLP policy: one section with its parameters and Adam state.
                using var bytes = new MemoryStream();
                using (var section = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true))
                    mlp.Write(section);
                writer.Write(1);
                writer.Write(bytes.Length);
                writer.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
            }
            else
            {
                IGradientBooster[] boosters = gbrl!.SharedBooster is { } shared ? [shared] : [gbrl.ActorBooster!, gbrl.CriticBooster!];
                writer.Write(boosters.Length);
                foreach (var booster in boosters)
                {
                    using var bytes = new MemoryStream();
                    booster.Save(bytes);
                    writer.Write(bytes.Length);
                    writer.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
                }
            }
            agent.Collector.History.Write(writer);
            agent.WriteAlgorithmState(writer);
        }
        var body = payload.ToArray();

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(file))
            {
                writer.Write(s_magic);
                writer.Write(FormatVersion);
                writer.Write((long)body.Length);
                writer.Write(body);
                writer.Write(SHA256.HashData(body));
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Reads and checks the file's frame; returns the header and the raw ensembles.</summary>
    public static (AgentFileHeader Header, byte[][] Boosters, float[] EnvironmentActions, byte[] AlgorithmState) Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No model file at '{path}'.", path);
        var bytes = File.ReadAllBytes(path);
        const int frame = 8 + 4 + 8 + 32;
        if (bytes.Length < frame || !bytes.AsSpan(0, 8).SequenceEqual(s_magic))
            throw new InvalidDataException($"'{path}' is not an RLFramework agent file (bad magic or too short).");
        var version = BitConverter.ToInt32(bytes, 8);
        if (version is < 1 or > FormatVersion)
            throw new InvalidDataException($"'{path}' has agent-file format version {version}; this build reads versions 1 to {FormatVersion}.");
        var length = BitConverter.ToInt64(bytes, 12);
        if (length != bytes.Length - frame)
            throw new InvalidDataException($"'{path}' is truncated or corrupt: the header announces {length} payload bytes, the file holds {bytes.Length - frame}.");
        var body = bytes.AsSpan(20, (int)length);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(20 + (int)length, 32)))
            throw new InvalidDataException($"'{path}' is corrupt: its checksum does not match its contents.");

        using var reader = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        var header = JsonSerializer.Deserialize<AgentFileHeader>(reader.ReadString(), Json)
            ?? throw new InvalidDataException($"'{path}' has an empty header.");
        var count = reader.ReadInt32();
        if (count is < 1 or > 2)
            throw new InvalidDataException($"'{path}' holds {count} ensembles; 1 or 2 expected.");
        var boosters = new byte[count][];
        for (var i = 0; i < count; i++)
            boosters[i] = reader.ReadBytes(checked((int)reader.ReadInt64()));
        var actions = version >= FirstVersionWithHistory ? EnvironmentHistory.ReadActions(reader) : [];
        var algorithmState = reader.ReadBytes((int)(reader.BaseStream.Length - reader.BaseStream.Position));
        return (header, boosters, actions, algorithmState);
    }

    public static ActorCriticAgent Load(string path, IVectorEnvironment? env, BoosterProvider? boosters, int? threads = null)
    {
        boosters ??= BoosterProvider.Cpu;
        var (header, boosterBytes, environmentActions, algorithmState) = Read(path);
        if (threads is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(threads));
            header = header with { Policy = header.Policy with { Threads = count } };
        }
        var options = DeserializeOptions(header);
        if (env is null)
        {
            if (string.IsNullOrEmpty(header.EnvironmentId))
                throw new ArgumentException($"'{path}' was trained on an environment without a registry id; pass the environment to Load.", nameof(env));
            if (!EnvironmentRegistry.IsRegistered(header.EnvironmentId))
                throw new ArgumentException($"'{path}' was trained on '{header.EnvironmentId}', which is not registered. " +
                    "An environment of your own must be registered first (EnvironmentRegistry.Register, or the rl command's --env-assembly).");
            try
            {
                env = AgentFactory.MakeTrainingEnvironment(header.EnvironmentId, options.NumEnvs, header.Environment);
            }
            catch (ArgumentException e)
            {
                // Options or wrappers the environment no longer takes (a package of one's own that changed, a hand-edited file).
                throw new ArgumentException($"'{path}' was trained on '{header.EnvironmentId}' made with {Describe(header.Environment)}, which cannot be made now: {e.Message}", nameof(env), e);
            }
        }
        try
        {
            try
            {
                ActorCriticAgent.CheckSpaces(header.ObservationSpace, header.ActionSpace, env);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The model '{path}' was trained on '{header.EnvironmentId}'. {e.Message}", nameof(env), e);
            }
            var agent = AgentFactory.Create(header.Algorithm, env, options, header.Policy, header.Seed, header.EnvironmentId,
                header.Policy.Policy == PolicyKind.Mlp ? null : boosters);
            agent.EnvironmentSetup = header.Environment;
            IActorCriticPolicy policy;
            if (header.Policy.Policy == PolicyKind.Mlp)
            {
                if (boosterBytes.Length != 1)
                    throw new InvalidDataException($"'{path}' holds an MLP agent with {boosterBytes.Length} policy sections; 1 expected.");
                using var section = new BinaryReader(new MemoryStream(boosterBytes[0]), Encoding.UTF8);
                policy = MlpActorCriticPolicy.Read(section, agent.Policy.Distribution, agent.Policy.ObservationSize, header.Policy);
            }
            else
            {
                var fresh = agent.GbrlPolicy;
                var ensembles = boosterBytes.Select(b => boosters.Load(new MemoryStream(b), header.Policy.Threads)).ToArray();
                var gbrl = ensembles.Length == 1
                    ? new GbrlActorCriticPolicy(fresh.Distribution, fresh.Features, header.Policy, ensembles[0], null, null, header.PolicyVersion)
                    : new GbrlActorCriticPolicy(fresh.Distribution, fresh.Features, header.Policy, null, ensembles[0], ensembles[1], header.PolicyVersion);
                header.LogStd.CopyTo(gbrl.MutableLogStd);
                header.AdamFirstMoment.CopyTo(gbrl.LogStdOptimizer.FirstMoment, 0);
                header.AdamSecondMoment.CopyTo(gbrl.LogStdOptimizer.SecondMoment, 0);
                gbrl.LogStdOptimizer.StepCount = checked((int)header.AdamSteps);
                policy = gbrl;
            }

            var normalizer = agent.Normalizer;
            normalizer.ObservationStatistics.SetState(new RunningStatistics(header.ObservationMean, header.ObservationVariance, header.ObservationCount));
            normalizer.ReturnStatistics.SetState(new RunningStatistics([header.ReturnMean], [header.ReturnVariance], header.ReturnCount));
            header.DiscountedReturns.AsSpan(0, Math.Min(header.DiscountedReturns.Length, normalizer.DiscountedReturns.Length)).CopyTo(normalizer.DiscountedReturns);

            agent.Restore(policy, RandomSource.FromState(header.RandomState), header.Timesteps, header.Iterations);
            agent.TargetTimesteps = header.TargetTimesteps;
            agent.Episodes.Restore(header.Episodes.Select(e => new EpisodeRecord((long)e[0], e[1], (int)e[2])), header.RunningReturns, header.RunningLengths);
            agent.Collector.RestoreEnvironments(header.EnvironmentResetSeed, environmentActions);
            using (var stateReader = new BinaryReader(new MemoryStream(algorithmState)))
                agent.ReadAlgorithmState(stateReader);
            return agent;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private static string Describe(EnvironmentSetup setup) =>
        $"--env-kwargs [{string.Join(", ", setup.Kwargs)}] and --env-wrapper [{string.Join(", ", setup.Wrappers)}]";

    private static IAlgorithmOptions DeserializeOptions(AgentFileHeader header) => header.Algorithm switch
    {
        "ppo" => header.Options.Deserialize<PpoOptions>(Json)!,
        "a2c" => header.Options.Deserialize<A2cOptions>(Json)!,
        "awr" => header.Options.Deserialize<AwrOptions>(Json)!,
        _ => throw new InvalidDataException($"The model file names an unknown algorithm '{header.Algorithm}'."),
    };
}

/// <summary>The JSON header of an agent file.</summary>
internal sealed record AgentFileHeader
{
    public string Algorithm { get; init; } = "";
    public string EnvironmentId { get; init; } = "";
    /// <summary>The environment's key=value options; absent (null) when there are none, so such files are those of earlier builds byte for byte.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? EnvironmentKwargs { get; init; }

    /// <summary>The wrapper specs around the environment, in order; absent (null) when there are none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? EnvironmentWrappers { get; init; }

    /// <summary>How the environment is made (both lists).</summary>
    [JsonIgnore]
    public EnvironmentSetup Environment => EnvironmentSetup.Of(EnvironmentKwargs, EnvironmentWrappers);
    public string ObservationSpace { get; init; } = "";
    public string ActionSpace { get; init; } = "";
    public int ObservationSize { get; init; }
    public int Seed { get; init; }
    public JsonElement Options { get; init; }
    public GbrlPolicyOptions Policy { get; init; } = new();
    public long Timesteps { get; init; }
    public int Iterations { get; init; }
    public int PolicyVersion { get; init; }
    public ulong[] RandomState { get; init; } = [];
    public float[] LogStd { get; init; } = [];
    public double[] AdamFirstMoment { get; init; } = [];
    public double[] AdamSecondMoment { get; init; } = [];
    public long AdamSteps { get; init; }
    public double[] ObservationMean { get; init; } = [];
    public double[] ObservationVariance { get; init; } = [];
    public double ObservationCount { get; init; }
    public double ReturnMean { get; init; }
    public double ReturnVariance { get; init; }
    public double ReturnCount { get; init; }
    public double[] DiscountedReturns { get; init; } = [];
    public double[][] Episodes { get; init; } = [];
    public double[] RunningReturns { get; init; } = [];
    public int[] RunningLengths { get; init; } = [];
    public long TargetTimesteps { get; init; }
    public int? EnvironmentResetSeed { get; init; }
}
