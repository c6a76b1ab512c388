using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Endpoint.Limits;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// Kestrel for a roaming endpoint: the partner-facing listener HTTP/2 only, TLS 1.3 preferred and 1.2 minimum, a client
/// certificate required and validated against the roaming CA during the TLS handshake within
/// <c>Limits:TlsHandshakeTimeout</c>, connections in the handshake counted and capped by <see cref="TlsAdmission"/>,
/// explicit HTTP/2 limits; the optional metrics listener plain HTTP/1.1; the optional health listener plain HTTP/2 on
/// loopback (gRPC health only).
/// </summary>
internal static class KestrelSetup
{
    public static void Configure(KestrelServerOptions kestrel, EndpointSettings settings, LimitsOptions limits)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeaderFieldSize;
        kestrel.Limits.Http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;
        kestrel.Limits.Http2.InitialConnectionWindowSize = limits.InitialConnectionWindowSize;
        kestrel.Limits.Http2.InitialStreamWindowSize = limits.InitialStreamWindowSize;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = limits.MaxRequestHeaderFieldSize;
        kestrel.Limits.Http2.KeepAlivePingDelay = limits.KeepAlivePingDelay;
        kestrel.Limits.Http2.KeepAlivePingTimeout = limits.KeepAlivePingTimeout;
        if (settings.MetricsListen is { } metrics)
        {
            // Plain HTTP for the local Prometheus collector; never a partner-facing listener. HTTP/1.1 only: without TLS
            // there is no protocol negotiation, so Kestrel would serve HTTP/1.1 anyway and warn at every start that
            // HTTP/2 is not enabled; Prometheus scrapes over HTTP/1.1.
            kestrel.Listen(metrics, listen => listen.Protocols = HttpProtocols.Http1);
        }

        if (settings.HealthListen is { } health)
        {
            // Plain HTTP/2 with prior knowledge, as gRPC health probes speak it; loopback only (EndpointSettings), since
            // it asks for no certificate.
            kestrel.Listen(health, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                HealthListener.Mark(listen);
            });
        }

        kestrel.Listen(settings.Listen, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            var services = listen.ApplicationServices;
            var credentials = services.GetRequiredService<EndpointCredentials>();
            var validator = services.GetRequiredService<PeerCertificateValidator>();
            var admission = services.GetRequiredService<TlsAdmission>();
            listen.Use(next => connection => admission.BeforeTlsAsync(connection, next));
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                HandshakeTimeout = limits.TlsHandshakeTimeout,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                CheckCertificateRevocation = false, // revocation is the roaming deny list, checked by the validator
                ServerCertificateSelector = (_, _) => credentials.Certificate,
                ClientCertificateValidation = (certificate, _, _) =>
                {
                    // The platform's chain status is against the system store, which is never trusted here; the
                    // validator rebuilds the chain against the roaming CA only.
                    var validation = validator.ValidateClient(certificate);
                    if (!validation.IsValid)
                    {
                        admission.CertificateRefused(certificate?.Subject ?? "(none)", validation.Problem, validation.Detail);
                    }

                    return validation.IsValid;
                },
            });
            listen.Use(next => connection => admission.AfterTls(connection, next));
        });
    }
}
