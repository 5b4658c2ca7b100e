namespace RLFramework.Cli.Commands;

/// <summary>What the <c>rl</c> commands print for an error they report: the message, without the " (Parameter 'x')" that
/// <see cref="ArgumentException"/> appends for programmers (the parameter's name means nothing to a command-line user).</summary>
internal static class ErrorText
{
    public static string Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is ArgumentException { ParamName: { } name } argument)
        {
            var suffix = $" (Parameter '{name}')";
            var message = argument.Message;
            return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
        }
        return e.Message;
    }
}
