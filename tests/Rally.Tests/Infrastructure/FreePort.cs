using System.Net;
using System.Net.Sockets;

namespace Rally.Tests.Infrastructure;

/// <summary>Loopback TCP ports nobody listens on right now (the operating system picks them).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
