using System.Net;
using System.Net.Sockets;

namespace NhsCommunity.Tests.Infrastructure;

/// <summary>Ports on the loopback address for tests.</summary>
public static class LocalPorts
{
    /// <summary>A port nothing listens on (the system's pick, given back at once): connecting to it is refused.</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
