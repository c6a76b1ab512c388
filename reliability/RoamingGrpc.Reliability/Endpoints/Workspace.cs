using System.Net;
using System.Net.Sockets;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// The directory of one run: a fresh roaming CA, a certificate per role (the endpoints' and both back offices'),
/// an empty revocation file, the two SQLite files and the endpoints' logs.
/// </summary>
internal sealed class Workspace
{
    private Workspace(string root) => Root = root;

    public string Root { get; }

    public string RevocationFile => Path.Combine(Root, "certs", "revoked.txt");

    public string Certificates(string name) => Path.Combine(Root, "certs", name);

    public string File(string name) => Path.Combine(Root, name);

    /// <summary>Creates <paramref name="directory"/> (a new temporary one when null) and issues the certificates.</summary>
    public static Workspace Create(string? directory)
    {
        var root = directory is null ? Directory.CreateTempSubdirectory("roaming-reliability-").FullName : Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        if (Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new InvalidOperationException($"{root} is not empty; give a new directory (a run never reuses databases).");
        }

        var workspace = new Workspace(root);
        using var ca = CertificateAuthority.Create("Reliability Roaming CA", TimeSpan.FromDays(7));
        ca.Save(workspace.Certificates("ca"));
        Issue(ca, workspace.Certificates("cso"), Parties.Cso);
        Issue(ca, workspace.Certificates("csp"), Parties.Csp);
        Issue(ca, workspace.Certificates("cso-backoffice"), Parties.CsoBackoffice);
        Issue(ca, workspace.Certificates("csp-backoffice"), Parties.CspBackoffice);
        System.IO.File.WriteAllText(workspace.RevocationFile, string.Empty);
        return workspace;
    }

    /// <summary>The workspace a run created in <paramref name="root"/> (e.g. for a helper process of the run).</summary>
    public static Workspace Open(string root) =>
        Directory.Exists(Path.Combine(root, "certs")) ? new Workspace(Path.GetFullPath(root)) : throw new DirectoryNotFoundException($"{root} holds no run's certificates");

    /// <summary>A TCP port free on the loopback interface now (the endpoint binds it a moment later).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void Issue(CertificateAuthority ca, string directory, PartyIdentity identity)
    {
        using var issued = ca.Issue(identity, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(7));
        ca.SaveIssued(issued, directory);
    }
}
