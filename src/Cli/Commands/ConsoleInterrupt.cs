namespace RLFramework.Cli.Commands;

/// <summary>
/// Ctrl+C for the long commands (<c>rl train</c>, <c>rl tune</c>): the first one cancels the token the command watches, so it
/// stops after the current iteration and still writes its files (and can be resumed); a second one terminates at once.
/// </summary>
internal static class ConsoleInterrupt
{
    /// <summary>Runs <paramref name="command"/> with a token that the first Ctrl+C cancels; returns its exit code.</summary>
    public static int Run(Func<CancellationToken, int> command)
    {
        using var interrupt = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        try
        {
            return command(interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }
}
