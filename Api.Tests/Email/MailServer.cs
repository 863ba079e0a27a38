using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using netDumbster.smtp;

namespace Itsm.Api.Tests.Email;

/// <summary>A real SMTP server on the loopback address, started and stopped by the test (a port it can be down on).</summary>
public sealed class MailServer : IDisposable
{
    private SimpleSmtpServer? _server;

    public int Port { get; } = FreePort();

    public bool IsRunning => _server is not null;

    public MailServer Start()
    {
        _server ??= netDumbster.smtp.Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(Port).Build();
        return this;
    }

    /// <summary>The messages received so far, parsed.</summary>
    public IReadOnlyList<MimeMessage> Received =>
        _server?.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToList() ?? [];

    public IReadOnlyList<MimeMessage> To(string address) =>
        Received.Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(address, StringComparison.OrdinalIgnoreCase))).ToList();

    public void Dispose() => _server?.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
