using System.CommandLine;
using System.Net;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming cert issue</c>: issues one certificate per role and party.</summary>
internal static class CertCommands
{
    public static Command Create()
    {
        var caOption = new Option<DirectoryInfo>("--ca") { Description = "CA directory (ca.pem, ca.key).", Required = true };
        var roleOption = new Option<string>("--role") { Description = "cso, csp or backoffice.", Required = true };
        roleOption.AcceptOnlyFromAmong("cso", "csp", "backoffice");
        var partyOption = new Option<string>("--party") { Description = "Party id: operator id for cso (DE*ABC), provider id for csp (DE-8EO); a backoffice takes its endpoint's id.", Required = true };
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Directory to write cert.pem, key.pem and ca.pem into.", Required = true };
        var dnsOption = new Option<string[]>("--dns") { Description = "DNS name the endpoint is reached by (repeatable). Default: localhost.", AllowMultipleArgumentsPerToken = false };
        var ipOption = new Option<string[]>("--ip") { Description = "IP address the endpoint is reached by (repeatable). Default: 127.0.0.1 and ::1 when no --dns is given." };
        var daysOption = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 397 };
        var issue = new Command("issue", "Issue a certificate for one role and party, signed by the roaming CA.")
        {
            caOption, roleOption, partyOption, outOption, dnsOption, ipOption, daysOption,
        };
        issue.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var role = PartyRoles.Parse(parse.GetRequiredValue(roleOption));
            PartyIdentity identity;
            try
            {
                identity = PartyIdentity.Create(role, parse.GetRequiredValue(partyOption));
            }
            catch (InvalidIdentifierException ex)
            {
                error.WriteLine($"--party: {ex.Message}");
                return 2;
            }

            var days = parse.GetValue(daysOption);
            if (days <= 0)
            {
                error.WriteLine("--days must be positive.");
                return 2;
            }

            var dns = parse.GetValue(dnsOption) ?? [];
            var ipTexts = parse.GetValue(ipOption) ?? [];
            var ips = new List<IPAddress>();
            foreach (var text in ipTexts)
            {
                if (!IPAddress.TryParse(text, out var ip))
                {
                    error.WriteLine($"--ip: '{text}' is not an IP address.");
                    return 2;
                }

                ips.Add(ip);
            }

            if (dns.Length == 0 && ips.Count == 0)
            {
                dns = ["localhost"];
                ips.AddRange([IPAddress.Loopback, IPAddress.IPv6Loopback]);
            }

            var outDirectory = parse.GetRequiredValue(outOption).FullName;
            using var ca = CertificateAuthority.Load(parse.GetRequiredValue(caOption).FullName);
            using var issued = ca.Issue(identity, dns, ips, TimeSpan.FromDays(days));
            ca.SaveIssued(issued, outDirectory);
            parse.InvocationConfiguration.Output.WriteLine(
                $"Issued {identity} ({CertificateIdentity.ToUri(identity)}), serial {issued.SerialNumber}, valid until {issued.NotAfter:yyyy-MM-dd}, to {outDirectory}.");
            return 0;
        });
        return new Command("cert", "Issue certificates.") { issue };
    }
}
