using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace NhsCommunity.Bench;

/// <summary>
/// A TCP proxy on a free loopback port that holds every chunk for a fixed delay in each direction
/// (latency without a bandwidth limit), and counts client-to-server turns: the round trips a client
/// really makes, whatever it thinks it does.
/// </summary>
internal sealed class DelayProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private long _turns;

    public DelayProxy(int targetPort, TimeSpan delay)
    {
        _targetPort = targetPort;
        _delay = delay;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Turns => Interlocked.Read(ref _turns);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            client.NoDelay = true;
            server.NoDelay = true;
            await server.ConnectAsync(IPAddress.Loopback, _targetPort).ConfigureAwait(false);
            var turn = new TurnCounter();
            Task up = PumpAsync(client.GetStream(), server.GetStream(), () => turn.ClientSent(ref _turns));
            Task down = PumpAsync(server.GetStream(), client.GetStream(), turn.ServerSent);
            await Task.WhenAny(up, down).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action onChunk)
    {
        var queue = Channel.CreateUnbounded<(byte[] Data, DateTime Due)>();
        async Task WriteAsync()
        {
            await foreach (var (data, due) in queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                TimeSpan wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }

                await to.WriteAsync(data).ConfigureAwait(false);
            }
        }

        Task writer = WriteAsync();
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                onChunk();
                queue.Writer.TryWrite((buffer[..read], DateTime.UtcNow + _delay));
            }
        }
        catch (IOException)
        {
            // The other side closed.
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        try
        {
            await writer.ConfigureAwait(false);
            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The other side closed.
        }
    }

    /// <summary>A turn starts when the client sends after the server last spoke (or first).</summary>
    private sealed class TurnCounter
    {
        private int _lastSender = 1;

        public void ClientSent(ref long turns)
        {
            if (Interlocked.Exchange(ref _lastSender, 0) == 1)
            {
                Interlocked.Increment(ref turns);
            }
        }

        public void ServerSent() => Interlocked.Exchange(ref _lastSender, 1);
    }
}
