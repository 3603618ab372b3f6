using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OaiqPixel.TestSupport;

/// <summary>
/// A throw-away PostgreSQL server for the tests: <c>initdb</c> into a temporary folder, started with <c>pg_ctl</c> on
/// 127.0.0.1 and a free port (Unix socket in the same folder), trust authentication for the <c>postgres</c> user, and
/// stopped (folder deleted) when the test process ends. Run as root (CI), the server runs as the <c>postgres</c> user,
/// since PostgreSQL refuses to run as root. Needs Debian's <c>postgresql</c> package (<c>.ci/run</c> installs it).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private static readonly Lazy<PostgresCluster> s_shared = new(() =>
    {
        var cluster = Start(durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    });

    private const string Prefix = "oaiq-pg-";
    private const string OwnerFile = "owner.pid";

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private readonly string _serverOptions;
    private int _disposed;

    private PostgresCluster(string bin, string root, bool asPostgresUser, int port, string serverOptions)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
        _serverOptions = serverOptions;
    }

    /// <summary>The cluster the test process shares (started on first use; without durability, for speed).</summary>
    public static PostgresCluster Shared => s_shared.Value;

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A connection string for <paramref name="database"/> as the <c>postgres</c> superuser.</summary>
    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true;Timeout=10;Command Timeout=30");

    /// <summary>Initialises and starts a new cluster. <paramref name="durable"/>: fsync on (benchmarks) or off (tests).</summary>
    public static PostgresCluster Start(bool durable)
    {
        var bin = FindBinaries();
        var asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        StopAbandoned(bin, asPostgresUser);
        var root = Directory.CreateTempSubdirectory(Prefix).FullName;
        File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (asPostgresUser)
        {
            Run("chown", ["postgres:postgres", root], asPostgresUser: false);
        }

        var port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=300 -c shared_buffers=128MB")
            + (durable ? string.Empty : " -c fsync=off -c full_page_writes=off");
        var cluster = new PostgresCluster(bin, root, asPostgresUser, port, options);
        try
        {
            cluster.Tool("initdb", ["-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-instructions", .. durable ? Array.Empty<string>() : ["--no-sync"]]);
            cluster.StartServer();
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return cluster;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        Tool("psql", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", $"CREATE DATABASE {name}"]);
        return ConnectionString(name);
    }

    /// <summary>Starts the server (after <see cref="StopServer"/>: the database coming back).</summary>
    public void StartServer() =>
        Tool("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", _serverOptions, "start"]);

    /// <summary>Stops the server at once, cutting every connection (the database going down).</summary>
    public void StopServer() => Tool("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                StopServer();
            }
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Stops and deletes the clusters of test processes that died without stopping theirs (a killed test host): each
    /// cluster's folder names the process that started it.
    /// </summary>
    private static void StopAbandoned(string bin, bool asPostgresUser)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            try
            {
                var owner = Path.Combine(root, OwnerFile);
                if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
                {
                    continue;
                }

                var data = Path.Combine(root, "data");
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                {
                    Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asPostgresUser);
                }

                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another process's folder, or one already gone.
            }
        }

        static bool IsAlive(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    private void Tool(string name, IReadOnlyList<string> args) => Run(Path.Combine(_bin, name), args, _asPostgresUser);

    private static void Run(string file, IReadOnlyList<string> args, bool asPostgresUser)
    {
        var start = new ProcessStartInfo(asPostgresUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result} {stdout.Result}");
        }
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("OAIQ_PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return Path.Combine(newest.Dir, "bin");
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL's server binaries were not found (initdb, pg_ctl): install Debian's postgresql package (apt-get install -y postgresql; .ci/run does), or set OAIQ_PG_BIN to their folder.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
