using RLFramework.Agents.Distributions;
using RLFramework.Agents.Rollouts;
using RLFramework.Boosting;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Policies;

/// <summary>The one place that maps environment spaces to what a tree policy needs.</summary>
internal static class PolicySpaces
{
    /// <summary>The action distribution for an action space, or a clear error for a space the policies cannot handle.</summary>
    public static (ActionDistribution Distribution, ActionSpaceInfo Info) ForActions(Space actionSpace)
    {
        switch (actionSpace)
        {
            case Discrete discrete:
                return (new CategoricalDistribution(discrete.N), ActionSpaceInfo.Discrete(discrete.Start));
            case MultiDiscrete multi:
                return (new CategoricalDistribution(multi.Nvec.ToArray()), ActionSpaceInfo.Codes(multi.FlatSize));
            case MultiBinary bits:
                return (new BernoulliDistribution(bits.FlatSize), ActionSpaceInfo.Codes(bits.FlatSize));
            case Box box when box.Shape.Count == 1:
                for (var j = 0; j < box.FlatSize; j++)
                {
                    if (!float.IsFinite(box.Low[j]) || !float.IsFinite(box.High[j]))
                        throw new ArgumentException($"The action space {box} has an unbounded dimension {j}; Gaussian policies need finite action bounds.", nameof(actionSpace));
                }
                return (new DiagGaussianDistribution(box.FlatSize), ActionSpaceInfo.Box(box.Low.ToArray(), box.High.ToArray()));
            default:
                throw new ArgumentException($"Actor-critic policies handle Discrete, MultiDiscrete, MultiBinary and one-dimensional Box action spaces; got {actionSpace}.", nameof(actionSpace));
        }
    }

    /// <summary>The feature schema of an observation space (categorical features split by equality).</summary>
    public static FeatureSchema ForObservations(Space observationSpace)
    {
        if (observationSpace.FlatSize < 1)
            throw new ArgumentException($"The observation space {observationSpace} has no features.", nameof(observationSpace));
        return new FeatureSchema([.. observationSpace.Cardinalities]);
    }

    /// <summary>
    /// A one-line description of a space, saved with a model to check it against an environment. A box is written in
    /// full (<see cref="Box.ToFullString"/>, not the shortened display form), the form every model file has recorded; a
    /// DictSpace or TupleSpace likewise writes its boxes in full (<see cref="CompositeSpace.ToFullString"/>).
    /// </summary>
    public static string Describe(Space space) => space switch
    {
        Box box => box.ToFullString(),
        CompositeSpace composite => composite.ToFullString(),
        _ => space.ToString() ?? space.GetType().Name,
    };
}
