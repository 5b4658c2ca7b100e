namespace RLFramework.Cli.Commands;

/// <summary>What the <c>rl</c> commands print for an error they report: the message, without the " (Parameter 'x')" that
/// <see cref="ArgumentException"/> appends for programmers (the parameter's name means nothing to a command-line user), and
/// on one line (an <see cref="ArgumentOutOfRangeException"/>'s value as " Got 2.").</summary>
internal static class ErrorText
{
    public static string Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is ArgumentException { ParamName: { } name } argument)
        {
            // ArgumentOutOfRangeException puts the actual value on a line of its own after the parameter's name.
            var message = argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
            if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
                message = message.Replace($"{Environment.NewLine}Actual value was {actual}.", $" Got {actual}.", StringComparison.Ordinal);
            return message;
        }
        return e.Message;
    }
}
