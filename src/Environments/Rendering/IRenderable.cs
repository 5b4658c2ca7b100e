namespace RLFramework.Environments;

/// <summary>
/// An environment that can show its current state (Gymnasium's <c>render()</c>). It implements
/// <see cref="ITextRenderable"/> (Gymnasium's <c>render_mode="ansi"</c>), <see cref="IImageRenderable"/>
/// (<c>render_mode="rgb_array"</c>) or both. Rendering reads the state and changes nothing: an episode with frames
/// is the same episode, bit for bit, as one without. Wrappers pass it through (see <see cref="Rendering"/>).
/// </summary>
public interface IRenderable
{
    /// <summary>Frames per second at which an episode plays at its natural speed (Gymnasium's <c>metadata["render_fps"]</c>).</summary>
    int RenderFps { get; }
}

/// <summary>An environment that shows its state as text (Gymnasium's <c>render_mode="ansi"</c>).</summary>
public interface ITextRenderable : IRenderable
{
    /// <summary>
    /// The current state as text, as the reference implementation's <c>render()</c> in <c>ansi</c> mode returns it,
    /// ANSI colour codes included. Valid after <c>Reset</c>; throws <see cref="InvalidOperationException"/> before.
    /// </summary>
    string RenderText();
}

/// <summary>An environment that shows its state as a picture (Gymnasium's <c>render_mode="rgb_array"</c>).</summary>
public interface IImageRenderable : IRenderable
{
    /// <summary>
    /// The current state as a new RGB image (the reference's <c>rgb_array</c>, an array of shape (height, width, 3)).
    /// Valid after <c>Reset</c>; throws <see cref="InvalidOperationException"/> before.
    /// </summary>
    RgbImage RenderImage();
}
