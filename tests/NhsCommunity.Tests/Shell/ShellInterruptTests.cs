using System.Diagnostics;

namespace NhsCommunity.Tests.Shell;

/// <summary>Ctrl+C (SIGINT) stops the running command and leaves the shell running the next one.</summary>
public sealed class ShellInterruptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nhscommunity-interrupt-").FullName;

    [SkippableFact]
    public void Interrupt_stops_the_running_pipeline_and_the_shell_runs_the_next_command()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGINT is a Unix signal; on Windows Ctrl+C is a console event a test cannot send to a redirected child.");
        string marker = Path.Combine(_directory, "running");

        using ShellProcess shell = ShellProcess.Start(["-NoLogo"]);

        // A loop that would never end on its own; it drops a marker so we know it is running.
        shell.Input.WriteLine($"[System.IO.File]::WriteAllText('{marker}', 'x'); while ($true) {{ [System.Threading.Thread]::Sleep(20) }}");
        shell.Input.Flush();
        WaitFor(() => File.Exists(marker), "the loop to start");

        SendInterrupt(shell.Id);
        shell.Input.WriteLine("'after the interrupt'");
        shell.Input.WriteLine("exit 4");
        shell.Input.Close();
        ShellResult result = shell.WaitForExit();

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(["after the interrupt"], result.Lines);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime giveUp = DateTime.UtcNow + ShellProcess.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException("Gave up waiting for " + what);
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>What a terminal sends on Ctrl+C.</summary>
    private static void SendInterrupt(int processId)
    {
        using Process kill = Process.Start("kill", ["-INT", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
