namespace RLFramework.Environments.Vector;

/// <summary>Steps its sub-environments one after another on the calling thread (Gymnasium's SyncVectorEnv).</summary>
public sealed class SyncVectorEnvironment : VectorEnvironmentBase
{
    /// <summary>Takes ownership of <paramref name="environments"/>.</summary>
    public SyncVectorEnvironment(IReadOnlyList<IEnvironment> environments, AutoresetMode autoresetMode = AutoresetMode.NextStep)
        : base(environments, autoresetMode)
    {
    }

    /// <inheritdoc/>
    protected override void Run(bool isReset) => Process(isReset, 0, NumEnvs);
}
