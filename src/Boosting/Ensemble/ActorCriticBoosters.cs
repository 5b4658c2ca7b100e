namespace RLFramework.Boosting;

/// <summary>
/// Separate actor and critic ensembles (the reference's default in its SB3 scripts), as one object: the actor
/// fits the policy outputs and the critic the value outputs, each on its own trees with its own options.
/// Shared actor-critic trees need no helper: use one <see cref="GbrlBooster"/> whose options hold a policy
/// slice and a value slice (one tree structure, each leaf holding both, each slice with its learning rate).
/// </summary>
public sealed class ActorCriticBoosters : IDisposable
{
    /// <summary>Creates both ensembles on the same features.</summary>
    /// <param name="actor">Options of the policy ensemble (its outputs are the policy outputs).</param>
    /// <param name="critic">Options of the value ensemble.</param>
    /// <param name="schema">Feature schema shared by both.</param>
    public ActorCriticBoosters(GbrlOptions actor, GbrlOptions critic, FeatureSchema schema)
    {
        Actor = new GbrlBooster(actor, schema);
        Critic = new GbrlBooster(critic, schema);
    }

    /// <summary>The policy ensemble.</summary>
    public GbrlBooster Actor { get; }

    /// <summary>The value ensemble.</summary>
    public GbrlBooster Critic { get; }

    /// <summary>Fits one tree to each ensemble: actor on <paramref name="actorGradients"/>, critic on <paramref name="criticGradients"/>.</summary>
    public (TreeFitResult Actor, TreeFitResult Critic) FitTrees(ReadOnlySpan<float> features, ReadOnlySpan<float> actorGradients,
        ReadOnlySpan<float> criticGradients, int sampleCount) =>
        (Actor.FitTree(features, actorGradients, sampleCount), Critic.FitTree(features, criticGradients, sampleCount));

    /// <summary>Writes actor outputs (sampleCount x actor outputs) and critic outputs (sampleCount x critic outputs).</summary>
    public void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> actorOutputs, Span<float> criticOutputs)
    {
        Actor.Predict(features, sampleCount, actorOutputs);
        Critic.Predict(features, sampleCount, criticOutputs);
    }

    /// <summary>Releases both ensembles.</summary>
    public void Dispose()
    {
        Actor.Dispose();
        Critic.Dispose();
    }
}
