using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RLFramework.Cli.Bench;

/// <summary>
/// CPU time consumed by this process (all threads), in milliseconds: on a shared, oversubscribed machine the
/// wall clock also counts the time other processes held the cores, CPU time does not.
/// Linux: clock_gettime(CLOCK_PROCESS_CPUTIME_ID); elsewhere <see cref="Process.TotalProcessorTime"/>.
/// </summary>
internal static partial class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double NowMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var t) == 0)
            return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }
}
