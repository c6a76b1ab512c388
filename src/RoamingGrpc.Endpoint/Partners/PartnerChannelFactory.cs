using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// Builds (and reuses) the gRPC channels this endpoint uses as a client of its partners: HTTP/2 over TLS 1.2+
/// with this endpoint's certificate, and a server check that accepts only a certificate chaining to the roaming
/// CA, matching the host name, valid for server authentication, not revoked, and carrying exactly the role and
/// party the partner registry expects.
/// </summary>
public sealed partial class PartnerChannelFactory : IDisposable
{
    /// <summary>How long a retired channel stays open for the calls still running on it.</summary>
    public static readonly TimeSpan RetiredChannelGrace = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(Uri Url, PartyIdentity Expected), GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<GrpcChannel, byte> _retired = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly EndpointCredentials _credentials;
    private readonly PeerCertificateValidator _validator;
    private readonly IOptions<LimitsOptions> _limits;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <summary>The endpoint's factory (dependency injection); other processes use <see cref="ForClient"/>.</summary>
    internal PartnerChannelFactory(EndpointCredentials credentials, PeerCertificateValidator validator, IOptions<LimitsOptions> limits, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _credentials = credentials;
        _validator = validator;
        _limits = limits;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PartnerChannelFactory>();
    }

    /// <summary>
    /// A factory for a process that is not an endpoint (the CLI's client verbs, tests): credentials from
    /// <paramref name="certificateDirectory"/>, which must hold a certificate of <paramref name="self"/>.
    /// </summary>
    public static PartnerChannelFactory ForClient(string certificateDirectory, PartyIdentity self, ILoggerFactory loggerFactory, string? revocationFile = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var credentials = new EndpointCredentials(certificateDirectory, self, loggerFactory.CreateLogger<EndpointCredentials>());
        var revocations = new RevocationList(revocationFile, loggerFactory.CreateLogger<RevocationList>());
        var validator = new PeerCertificateValidator(credentials, revocations, TimeProvider.System);
        return new PartnerChannelFactory(credentials, validator, Options.Create(new LimitsOptions()), loggerFactory);
    }

    /// <summary>The channel to the partner at <paramref name="url"/> that must prove to be <paramref name="expected"/>.</summary>
    public GrpcChannel Get(Uri url, PartyIdentity expected) =>
        _channels.GetOrAdd((url, expected), key => Create(key.Url, key.Expected));

    /// <summary>Closes and forgets the channel (for example after the partner's URL changed).</summary>
    public void Forget(Uri url, PartyIdentity expected)
    {
        if (_channels.TryRemove((url, expected), out var channel))
        {
            channel.Dispose();
        }
    }

    /// <summary>
    /// Stops using every channel to <paramref name="expected"/> (a partner given up on): the next call opens a new
    /// channel, with a fresh connection attempt and no reconnect backoff left from earlier failures. A channel keeps
    /// trying to connect in the background while calls wait for it, so the retired ones are disposed, after
    /// <see cref="RetiredChannelGrace"/> for the calls still running on them to end.
    /// </summary>
    public void Retire(PartyIdentity expected)
    {
        foreach (var key in _channels.Keys.Where(key => key.Expected == expected))
        {
            if (_channels.TryRemove(key, out var channel) && _retired.TryAdd(channel, 0))
            {
                _ = DisposeLaterAsync(channel);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed.Cancel();
        foreach (var channel in _channels.Values.Concat(_retired.Keys))
        {
            channel.Dispose();
        }

        _channels.Clear();
        _retired.Clear();
        _disposed.Dispose();
    }

    private async Task DisposeLaterAsync(GrpcChannel channel)
    {
        try
        {
            await Task.Delay(RetiredChannelGrace, _disposed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return; // the factory is disposed, and the channel with it
        }

        if (_retired.TryRemove(channel, out _))
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Create(Uri url, PartyIdentity expected)
    {
        var limits = _limits.Value;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            // Connections are re-established regularly so that a partner's rotated or revoked server certificate,
            // and our own rotated client certificate, take effect on long-lived channels too.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            KeepAlivePingDelay = limits.KeepAlivePingDelay,
            KeepAlivePingTimeout = limits.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => _credentials.Certificate,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    CheckServer(certificate as X509Certificate2, errors, expected, url),
            },
        };
        return GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = limits.MaxReceiveMessageSize,
            MaxSendMessageSize = limits.MaxSendMessageSize,
            LoggerFactory = _loggerFactory,
        });
    }

    private bool CheckServer(X509Certificate2? certificate, SslPolicyErrors errors, PartyIdentity expected, Uri url)
    {
        // Chain errors reported by the platform are against the system store, which we never use: the chain is
        // rebuilt below against the roaming CA only. Name and presence errors are ours to honour.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            Log.ServerRefused(_logger, url, expected.ToString(), $"the certificate is not issued for host '{url.Host}'");
            return false;
        }

        var validation = _validator.ValidateServer(certificate);
        if (!validation.IsValid)
        {
            Log.ServerRefused(_logger, url, expected.ToString(), validation.Detail);
            return false;
        }

        if (validation.Identity != expected)
        {
            Log.ServerRefused(_logger, url, expected.ToString(), $"the certificate identifies {validation.Identity}");
            return false;
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Partners.ServerRefused, Level = LogLevel.Warning, Message = "Refused partner server {Url}: expected {Expected}, but {Reason}")]
        public static partial void ServerRefused(ILogger logger, Uri url, string expected, string reason);
    }
}
