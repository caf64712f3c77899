using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BenefitProgram.IntegrationTests.Reliability;

/// <summary>Runs a program to its end and fails with its output when it does not succeed.</summary>
internal static class Shell
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs <paramref name="file"/> as the owner of the private cluster (postgres when we are root).</summary>
    public static async Task<string> RunAsPostgresAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(IsRoot ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (IsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return await RunAsync(start);
    }

    public static async Task<string> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {output}");
        }

        return output;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>
/// A private PostgreSQL cluster of this test alone (own folder and port, created with the binaries infra/test.sh exports
/// as BP_TEST_PG_BIN), so an immediate stop hurts no other test running at the same time. fsync is off as in the shared
/// test cluster, but synchronous_commit stays on: a committed transaction's WAL has reached the OS when the commit is
/// acknowledged, so an immediate stop (a PostgreSQL crash, not an OS crash) loses nothing that was acknowledged.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string root;
    public int Port { get; }
    private string Data => Path.Combine(root, "data");

    private PrivatePostgres(string bin, string root, int port)
    {
        this.bin = bin;
        this.root = root;
        Port = port;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Timeout=5;Command Timeout=60";

    /// <summary>
    /// Creates the cluster in <paramref name="root"/> (a fixed folder: a cluster an aborted run left behind is stopped
    /// and removed first) and starts it on a free port.
    /// </summary>
    public static async Task<PrivatePostgres> StartAsync(string bin, string root)
    {
        if (Directory.Exists(Path.Combine(root, "data")))
        {
            try
            {
                await Shell.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(root, "data"), "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // not running
            }
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        if (Shell.IsRoot)
        {
            await Shell.RunAsync(new ProcessStartInfo("chown", ["postgres:postgres", root]) { RedirectStandardOutput = true, RedirectStandardError = true });
        }

        var pg = new PrivatePostgres(bin, root, Shell.FreePort());
        await Shell.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", pg.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await pg.StartAgainAsync();
        return pg;
    }

    public Task StartAgainAsync() => Shell.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c full_page_writes=off", "start");

    /// <summary>pg_ctl stop -m immediate: every server process ends at once, recovery replays the WAL at the next start.</summary>
    public Task StopImmediatelyAsync() => Shell.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Shell.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The clock the host process reads (Testing:ClockFile, see the host's FileClock): an instant written atomically
/// (temporary file + rename); the host adds the real time passed since the write.
/// </summary>
internal sealed class ClockFile(string path)
{
    public string Path { get; } = path;
    public DateTimeOffset Now { get; private set; }

    public void Set(DateTimeOffset instant)
    {
        if (instant < Now)
        {
            throw new InvalidOperationException("The test clock only moves forward.");
        }

        Now = instant;
        var temp = Path + ".tmp";
        File.WriteAllText(temp, instant.ToString("O", CultureInfo.InvariantCulture));
        File.Move(temp, Path, overwrite: true);
    }

    public void Advance(TimeSpan by) => Set(Now + by);
}

/// <summary>The real host, built output, run as a child process (dotnet BenefitProgram.Host.dll) on its own port.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly string logPath;
    private readonly Queue<string> tail = new();
    private readonly Lock gate = new();
    private Process? process;

    public Uri BaseAddress { get; }
    public int Starts { get; private set; }

    public HostProcess(Dictionary<string, string> environment, string logPath)
    {
        this.environment = environment;
        this.logPath = logPath;
        BaseAddress = new Uri(environment["ASPNETCORE_URLS"]);
    }

    public bool Running => process is { HasExited: false };

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BenefitProgram.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("BenefitProgram.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The host's own build output of the same configuration as this test assembly (the test project references the host, so it is built).</summary>
    public static string HostDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/<Configuration>/net10.0/
        var dll = Path.Combine(RepositoryRoot(), "src", "BenefitProgram.Host", "bin", configuration, "net10.0", "BenefitProgram.Host.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"The host is not built: {dll} is missing.");
    }

    public async Task StartAsync(HttpClient probe, TimeSpan timeout)
    {
        if (Running)
        {
            throw new InvalidOperationException("The host is running already.");
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostDll());
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "src", "BenefitProgram.Host"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Starts++;
        Log($"---- {DateTime.UtcNow:HH:mm:ss.fff} start #{Starts} ----");
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitReadyAsync(probe, timeout);
    }

    public async Task WaitReadyAsync(HttpClient probe, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!Running)
            {
                throw new InvalidOperationException($"The host exited (code {process?.ExitCode}). Last lines:\n{Tail()}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    Log($"---- {DateTime.UtcNow:HH:mm:ss.fff} ready ----");
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The host was not ready after {timeout}. Last lines:\n{Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: the process ends at once, without any shutdown code.</summary>
    public void KillHard()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        Log($"---- {DateTime.UtcNow:HH:mm:ss.fff} killed (SIGKILL) ----");
        process.Dispose();
        process = null;
    }

    public string Tail()
    {
        lock (gate)
        {
            return string.Join('\n', tail);
        }
    }

    public void Note(string line) => Log($"---- {DateTime.UtcNow:HH:mm:ss.fff} {line} ----");

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            tail.Enqueue(line);
            while (tail.Count > 60)
            {
                tail.Dequeue();
            }

            File.AppendAllText(logPath, line + "\n", Encoding.UTF8);
        }
    }

    public void Dispose() => KillHard();
}
