using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// Loopback TCP ports nobody listens on right now (the operating system picks them), never the same one twice in
/// this process: the system may hand a port it just gave back out again, and two processes told the same port collide.
/// </summary>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
