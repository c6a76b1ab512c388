using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Cli.Commands;

/// <summary>
/// A back-office client of one's own endpoint: the identity is read from the certificate in the directory, and
/// the endpoint must prove to be the CSO (operator id, <c>*</c>) or CSP (provider id, <c>-</c>) of the same party.
/// </summary>
internal sealed class BackofficeConnection : IDisposable
{
    private readonly PartnerChannelFactory _factory;

    private BackofficeConnection(PartnerChannelFactory factory, GrpcChannel channel, PartyIdentity endpoint)
    {
        _factory = factory;
        Channel = channel;
        Endpoint = endpoint;
    }

    public GrpcChannel Channel { get; }

    public PartyIdentity Endpoint { get; }

    public static BackofficeConnection Open(Uri endpointUrl, string certificateDirectory, ILoggerFactory loggerFactory)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certificateDirectory, CertificateAuthority.CertificateFile)));
        if (!CertificateIdentity.TryRead(certificate, out var self, out var problem))
        {
            throw new InvalidOperationException($"The certificate in {certificateDirectory} cannot be used: {problem}.");
        }

        if (self.Role != PartyRole.Backoffice)
        {
            throw new InvalidOperationException($"The certificate in {certificateDirectory} is issued to {self}; back-office commands need a backoffice certificate (roaming cert issue --role backoffice ...).");
        }

        var endpoint = PartyIdentity.Create(self.PartyId.Contains('*', StringComparison.Ordinal) ? PartyRole.Cso : PartyRole.Csp, self.PartyId);
        var factory = PartnerChannelFactory.ForClient(certificateDirectory, self, loggerFactory);
        return new BackofficeConnection(factory, factory.Get(endpointUrl, endpoint), endpoint);
    }

    public void Dispose() => _factory.Dispose();
}
