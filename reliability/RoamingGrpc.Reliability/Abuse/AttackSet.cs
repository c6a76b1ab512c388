using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// The attacks of a run, in the order they run, with what they need from the run's workspace: the roaming CA (to
/// check the server), the foreign CA's impostor certificate, the malicious partner's certificate and channel, the
/// CSP's second certificate (revoked during the run), and, for the revoked-stream attack, the CSO's back office (its
/// stations' status reports) and the legitimate CSP's channel (its own stream, which must stay open). Built by the run
/// (for the names, sizes and bounds) and by the attack process (to run one).
/// </summary>
internal sealed class AttackSet : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public AttackSet(Workspace workspace, Uri csoUrl, AbuseOptions options)
    {
        var ca = Own(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(workspace.Certificates("ca"), CertificateAuthority.CaCertificateFile))));
        var foreign = Own(Load(workspace.Certificates(AbuseRun.ForeignCertificates)));
        var malicious = Own(Load(workspace.Certificates(AbuseRun.MaliciousCertificates)));
        var second = Own(Load(workspace.Certificates(AbuseRun.SecondCspCertificates)));
        var attacker = new Attacker(csoUrl, ca);
        var maliciousChannel = Own(attacker.Channel(Attacker.PartnerSource, malicious));
        var partner = Own(PartnerChannelFactory.ForClient(workspace.Certificates("csp"), Parties.Csp, NullLoggerFactory.Instance));
        var backoffice = Own(PartnerChannelFactory.ForClient(workspace.Certificates("cso-backoffice"), Parties.CsoBackoffice, NullLoggerFactory.Instance));
        All =
        [
            new IdleConnectionFlood(attacker, options, AbuseRun.HandshakeTimeout),
            new StalledTlsFlood(attacker, options, AbuseRun.HandshakeTimeout, AbuseRun.MaxUnauthenticatedConnections),
            new RefusedCertificateFlood(attacker, options, foreign),
            new MalformedMessages(maliciousChannel, options),
            new SlowRequestBodies(attacker, malicious, options, AbuseRun.MaxConcurrentCallsPerPartner),
            new RevokedCertificateStream(
                attacker,
                second,
                workspace.RevocationFile,
                partner.Get(csoUrl, Parties.Cso),
                new CsoBackofficeService.CsoBackofficeServiceClient(backoffice.Get(csoUrl, Parties.Cso)),
                AbuseRun.StatusEvseId,
                AbuseRun.SiteId,
                options),
        ];
    }

    public IReadOnlyList<IAttack> All { get; }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    private static X509Certificate2 Load(string directory) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(directory, CertificateAuthority.CertificateFile), Path.Combine(directory, CertificateAuthority.KeyFile));

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
