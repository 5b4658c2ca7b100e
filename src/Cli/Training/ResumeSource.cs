namespace RLFramework.Cli.Training;

/// <summary>
/// What <c>rl train --resume PATH</c> continues: the model file, and the run folder it belongs to (whose metrics
/// carry over; null for a model file outside any run folder). PATH is a run folder (its model.rlm), a model file,
/// or a checkpoint in a run folder's checkpoints/.
/// </summary>
internal sealed record ResumeSource(string Model, string? RunFolder)
{
    /// <exception cref="FileNotFoundException">Nothing to resume at <paramref name="path"/>.</exception>
    public static ResumeSource Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            var model = Path.Combine(path, Training.RunFolder.ModelFile);
            if (!File.Exists(model) && File.Exists(Path.Combine(path, TuneFolder.SettingsFile)))
                throw new FileNotFoundException($"Cannot resume: '{path}' is a hyperparameter search (rl tune --resume {path} continues it); its best trial's model is {TuneFolder.BestModelFile}, " +
                    $"and best.json has the rl train command that trains with its values.", model);
            if (!File.Exists(model))
                throw new FileNotFoundException($"Cannot resume: the folder '{path}' holds no {Training.RunFolder.ModelFile} (a run that has not finished: resume from one of its checkpoints/).", model);
            return new ResumeSource(model, path);
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"Cannot resume: no run folder, model or checkpoint at '{path}'.", path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (IsRunFolder(directory))
            return new ResumeSource(path, directory);
        var parent = Path.GetDirectoryName(directory);
        if (Path.GetFileName(directory) == Training.RunFolder.CheckpointsFolder && parent is not null && IsRunFolder(parent))
            return new ResumeSource(path, parent);
        return new ResumeSource(path, null);
    }

    private static bool IsRunFolder(string directory) => File.Exists(Path.Combine(directory, Training.RunFolder.OptionsFile));
}
