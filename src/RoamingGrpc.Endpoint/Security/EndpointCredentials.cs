using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// This endpoint's own certificate and key (<c>cert.pem</c>, <c>key.pem</c>) and the roaming CA it trusts
/// (<c>ca.pem</c>, one or more anchors), loaded from one directory. When the files change (rotation) the next
/// TLS handshake uses the new ones; no restart is needed.
/// </summary>
internal sealed partial class EndpointCredentials : IDisposable
{
    private readonly string _directory;
    private readonly ILogger<EndpointCredentials> _logger;
    private readonly Lock _gate = new();
    private Snapshot _current;

    /// <summary>Loads the credentials and checks that the certificate carries <paramref name="expected"/>.</summary>
    public EndpointCredentials(string directory, PartyIdentity expected, ILogger<EndpointCredentials> logger)
    {
        _directory = directory;
        _logger = logger;
        Expected = expected;
        _current = Load();
    }

    /// <summary>The identity the certificate must carry.</summary>
    public PartyIdentity Expected { get; }

    /// <summary>The current certificate with its private key.</summary>
    public X509Certificate2 Certificate => Fresh().Certificate;

    /// <summary>The current trust anchors (the roaming CA certificates).</summary>
    public X509Certificate2Collection TrustAnchors => Fresh().Anchors;

    /// <inheritdoc />
    public void Dispose()
    {
        _current.Certificate.Dispose();
        foreach (var anchor in _current.Anchors)
        {
            anchor.Dispose();
        }
    }

    private Snapshot Fresh()
    {
        var stamp = Stamp();
        if (stamp == _current.Stamp)
        {
            return _current;
        }

        lock (_gate)
        {
            if (Stamp() != _current.Stamp)
            {
                try
                {
                    _current = Load();
                    Log.Rotated(_logger, _directory, _current.Certificate.Thumbprint);
                }
                catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
                {
                    // Files are often replaced one at a time: keep serving the last good pair and try again later.
                    Log.RotationFailed(_logger, _directory, ex);
                }
            }

            return _current;
        }
    }

    private string Stamp() => string.Join(
        '|',
        new[] { CertificateAuthority.CertificateFile, CertificateAuthority.KeyFile, CertificateAuthority.CaCertificateFile }
            .Select(file => new FileInfo(Path.Combine(_directory, file)))
            .Select(info => info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "-"));

    private Snapshot Load()
    {
        var stamp = Stamp();
        var certificatePath = Path.Combine(_directory, CertificateAuthority.CertificateFile);
        var keyPath = Path.Combine(_directory, CertificateAuthority.KeyFile);
        var caPath = Path.Combine(_directory, CertificateAuthority.CaCertificateFile);
        foreach (var path in new[] { certificatePath, keyPath, caPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"Certificate directory '{_directory}' lacks {Path.GetFileName(path)} (issue one with 'roaming cert issue ... --out {_directory}').");
            }
        }

        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caPath);
        if (!CertificateIdentity.TryRead(certificate, out var identity, out var problem))
        {
            throw new InvalidOperationException($"The certificate in '{_directory}' cannot serve this endpoint: {problem}.");
        }

        if (identity != Expected)
        {
            throw new InvalidOperationException(
                $"The certificate in '{_directory}' is issued to {identity}, but this endpoint is configured as {Expected}.");
        }

        return new Snapshot(certificate, anchors, stamp);
    }

    private sealed record Snapshot(X509Certificate2 Certificate, X509Certificate2Collection Anchors, string Stamp);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Credentials.Rotated, Level = LogLevel.Information, Message = "Certificate files in {Directory} changed; now serving {Thumbprint}")]
        public static partial void Rotated(ILogger logger, string directory, string thumbprint);

        [LoggerMessage(EventId = LogEvents.Credentials.RotationFailed, Level = LogLevel.Warning, Message = "Certificate files in {Directory} changed but cannot be loaded yet; keeping the previous certificate")]
        public static partial void RotationFailed(ILogger logger, string directory, Exception exception);
    }
}
