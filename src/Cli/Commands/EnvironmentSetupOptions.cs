using System.CommandLine;
using RLFramework.Agents.Algorithms;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>--env-kwargs key=value</c> (repeatable; the RL Zoo's <c>--env-kwargs</c>, Gymnasium's <c>gym.make(id, **kwargs)</c>): the
/// options the environment is made with, e.g. <c>--env-kwargs map_name=8x8 --env-kwargs is_slippery=false</c>, and
/// <c>max_episode_steps=N</c> for the time limit; <c>--env-wrapper SPEC</c> (repeatable; the RL Zoo's <c>env_wrapper</c>): Gymnasium
/// wrappers around it, in order (<see cref="EnvironmentWrappers.Apply"/>). A trained model keeps both
/// (<see cref="ActorCriticAgent.EnvironmentSetup"/>).
/// </summary>
internal static class EnvironmentSetupOptions
{
    /// <summary><c>--env-kwargs</c>, repeatable.</summary>
    public static Option<string[]> CreateOption(string description) => Repeatable("--env-kwargs", description);

    /// <summary><c>--env-wrapper</c>, repeatable.</summary>
    public static Option<string[]> CreateWrapperOption(string description) => Repeatable("--env-wrapper", description);

    private static Option<string[]> Repeatable(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Throws an <see cref="ArgumentException"/> when <c>--env-kwargs</c> names a key twice (a mistake on one command line, not an override).</summary>
    public static void CheckDistinct(IReadOnlyList<string>? kwargs)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in kwargs ?? [])
        {
            var key = pair.Split('=', 2)[0].Trim();
            if (seen.TryGetValue(key, out var first))
                throw new ArgumentException($"--env-kwargs gives {key} twice ({first} and {pair}); give each option once.");
            seen[key] = pair;
        }
    }

    /// <summary>What train and tune say of --env-kwargs.</summary>
    public const string TrainingDescription =
        "An option of the environment: key=value (repeatable), as gym.make(id, **kwargs) takes it, e.g. --env-kwargs map_name=8x8 --env-kwargs is_slippery=false; " +
        "max_episode_steps=N sets the time limit. Saved with the model: evaluating and resuming make the same environment.";

    /// <summary>What train and tune say of --env-wrapper.</summary>
    public static readonly string WrapperDescription =
        "A Gymnasium wrapper around the environment: name or name:key=value,key=value (repeatable, applied in order), e.g. --env-wrapper frame_stack_observation:stack_size=4. " +
        $"Names: {string.Join(", ", EnvironmentWrappers.Names)}. Saved with the model.";
}
