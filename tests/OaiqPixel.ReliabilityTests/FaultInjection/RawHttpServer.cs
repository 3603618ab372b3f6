using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OaiqPixel.ReliabilityTests.FaultInjection;

/// <summary>
/// A bare HTTP/1.1 server on loopback whose answers are scripted byte by byte, for what Kestrel will not do on
/// purpose: a 200 whose body is cut short (headers arrive first, for certain) or never finishes.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<Behaviour> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _acceptedIds = [];
    private readonly Task _loop;

    public RawHttpServer(params Behaviour[] script)
    {
        _script = new Queue<Behaviour>(script);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public enum Behaviour
    {
        /// <summary>200 with a complete body; the ids are recorded.</summary>
        Ok,

        /// <summary>200 and headers promising 64 bytes, 1 byte sent, then the connection closed. Nothing recorded.</summary>
        TruncatedBody,

        /// <summary>200 and headers promising 64 bytes, 1 byte sent, then nothing more. Nothing recorded.</summary>
        StalledBody,
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Requests { get; private set; }

    public IReadOnlyList<string> AcceptedIds
    {
        get
        {
            lock (_acceptedIds)
            {
                return [.. _acceptedIds];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            while (await ReadRequestAsync(stream, _stop.Token) is { } body)
            {
                Requests++;
                var behaviour = _script.Count > 0 ? _script.Dequeue() : Behaviour.Ok;
                if (behaviour == Behaviour.Ok)
                {
                    using (var json = JsonDocument.Parse(body))
                    {
                        lock (_acceptedIds)
                        {
                            _acceptedIds.AddRange(json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
                        }
                    }

                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray(), _stop.Token);
                    continue;
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"u8.ToArray(), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                if (behaviour == Behaviour.StalledBody)
                {
                    // Hold the connection open without another byte until the client gives up.
                    while (!_stop.IsCancellationRequested && await stream.ReadAsync(new byte[1], _stop.Token) > 0)
                    {
                    }
                }

                break; // close: the client sees the body end early
            }
        }
    }

    private static async Task<byte[]?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(header))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            header.Add(one[0]);
        }

        var text = Encoding.ASCII.GetString([.. header]);
        var lengthLine = text.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var body = new byte[int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';
}
