using System.CommandLine;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming ca init</c>: creates the roaming network's certificate authority.</summary>
internal static class CaCommands
{
    public static Command Create()
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Directory to write ca.pem and ca.key into.", Required = true };
        var nameOption = new Option<string>("--name") { Description = "Common name of the CA.", DefaultValueFactory = _ => "Roaming CA" };
        var daysOption = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 3650 };
        var init = new Command("init", "Create a roaming CA (trust anchor): writes DIR/ca.pem and DIR/ca.key.") { outOption, nameOption, daysOption };
        init.SetAction(parse =>
        {
            var directory = parse.GetRequiredValue(outOption);
            var days = parse.GetValue(daysOption);
            if (days <= 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("--days must be positive.");
                return 2;
            }

            if (File.Exists(Path.Combine(directory.FullName, CertificateAuthority.CaKeyFile)))
            {
                parse.InvocationConfiguration.Error.WriteLine($"{Path.Combine(directory.FullName, CertificateAuthority.CaKeyFile)} exists; refusing to replace a CA key.");
                return 1;
            }

            using var ca = CertificateAuthority.Create(parse.GetValue(nameOption) ?? "Roaming CA", TimeSpan.FromDays(days));
            ca.Save(directory.FullName);
            parse.InvocationConfiguration.Output.WriteLine($"CA '{ca.Certificate.Subject}' written to {directory.FullName} (valid until {ca.Certificate.NotAfter:yyyy-MM-dd}).");
            return 0;
        });
        return new Command("ca", "Manage the roaming certificate authority.") { init };
    }
}
