using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Cli.Commands;

/// <summary>
/// <c>roaming serve</c>: runs one endpoint. Every flag maps to a <c>Roaming:*</c> setting, which can equally come
/// from the JSON file given by <c>--config</c> or from environment variables (<c>Roaming__PartyId</c>); flags win.
/// Exit code 2: an invalid setting, or a listen address in use; either is one line on stderr naming the setting.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var configOption = new Option<FileInfo>("--config") { Description = "JSON configuration file with a \"Roaming\" section." };
        var roleOption = new Option<string>("--role") { Description = "Roaming:Role - cso or csp." };
        roleOption.AcceptOnlyFromAmong("cso", "csp");
        var partyOption = new Option<string>("--party") { Description = "Roaming:PartyId - operator id (cso) or provider id (csp)." };
        var listenOption = new Option<string>("--listen") { Description = "Roaming:Listen - HOST:PORT to listen on." };
        var certOption = new Option<DirectoryInfo>("--cert") { Description = "Roaming:CertificateDirectory - cert.pem, key.pem, ca.pem." };
        var dbOption = new Option<FileInfo>("--db") { Description = "Roaming:Database - SQLite file." };
        var revocationOption = new Option<FileInfo>("--revocations") { Description = "Roaming:RevocationFile - revoked serial numbers, one per line." };
        var publicUrlOption = new Option<string>("--public-url") { Description = "Roaming:PublicUrl - the https URL partners reach this endpoint by." };
        var metricsOption = new Option<string>("--metrics")
        {
            Description = "Roaming:Metrics:Listen - HOST:PORT of the plain-HTTP Prometheus endpoint GET /metrics (default 127.0.0.1:9464); "
                + "empty ('') turns it off. Endpoints on one machine each need their own port.",
        };
        var partnerOption = new Option<string[]>("--partner")
        {
            Description = "A partner as ROLE:PARTY[@URL], e.g. csp:DE-8EO@https://localhost:7444 (repeatable; replaces Roaming:Partners).",
        };
        var command = new Command("serve", "Run a roaming endpoint (CSO or CSP). Exits with 2 on an invalid setting or a listen address in use.")
        {
            configOption, roleOption, partyOption, listenOption, certOption, dbOption, revocationOption, publicUrlOption, metricsOption, partnerOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    overrides[$"{RoamingEndpointOptions.SectionName}:{key}"] = value;
                }
            }

            Set(nameof(RoamingEndpointOptions.Role), parse.GetValue(roleOption));
            Set(nameof(RoamingEndpointOptions.PartyId), parse.GetValue(partyOption));
            Set(nameof(RoamingEndpointOptions.Listen), parse.GetValue(listenOption));
            Set(nameof(RoamingEndpointOptions.CertificateDirectory), parse.GetValue(certOption)?.FullName);
            Set(nameof(RoamingEndpointOptions.Database), parse.GetValue(dbOption)?.FullName);
            Set(nameof(RoamingEndpointOptions.RevocationFile), parse.GetValue(revocationOption)?.FullName);
            Set(nameof(RoamingEndpointOptions.PublicUrl), parse.GetValue(publicUrlOption));
            Set($"{nameof(RoamingEndpointOptions.Metrics)}:{nameof(MetricsOptions.Listen)}", parse.GetValue(metricsOption));
            List<PartnerOptions>? partners = null;
            foreach (var text in parse.GetValue(partnerOption) ?? [])
            {
                if (!TryParsePartner(text, out var role, out var party, out var url))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--partner '{text}' is not ROLE:PARTY[@URL].").ConfigureAwait(false);
                    return 2;
                }

                (partners ??= []).Add(new PartnerOptions { Role = role, PartyId = party, Url = url });
            }

            WebApplication app;
            try
            {
                app = RoamingEndpointHost.Build(parse.GetValue(configOption)?.FullName, overrides, partners: partners);
            }
            catch (InvalidOperationException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            await using (app.ConfigureAwait(false))
            {
                var settings = app.Services.GetRequiredService<EndpointSettings>();
                if (BusyListener.Probe(settings) is { } busy)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(Describe(busy)).ConfigureAwait(false);
                    return 2;
                }

                try
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (SettingsSections.ProblemsOf(ex) is { } problems)
                {
                    // Settings sections failed their rules at start (before anything ran): one line per problem, naming the key.
                    foreach (var failure in problems)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync(failure).ConfigureAwait(false);
                    }

                    return 2;
                }
                catch (IOException ex) when (BusyListener.FromStartFailure(ex, settings) is { } taken)
                {
                    // Another process took the address after the probe. Storage and the background services did start:
                    // stop them (as at shutdown) before the host is disposed.
                    await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    await parse.InvocationConfiguration.Error.WriteLineAsync(Describe(taken)).ConfigureAwait(false);
                    return 2;
                }

                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The one line <c>serve</c> ends with when a listen address is in use: the setting, the address, the flag to change it.</summary>
    private static string Describe(BusyListener busy) =>
        $"{busy.Setting} {busy.Address} is in use by another process; choose another port ("
        + (busy.Setting switch
        {
            EndpointSettings.MetricsListenSetting => "serve --metrics HOST:PORT, or empty to turn metrics off",
            EndpointSettings.HealthListenSetting => "Roaming:Health:Listen HOST:PORT, or empty to turn the health listener off",
            _ => "serve --listen HOST:PORT",
        })
        + ").";

    private static bool TryParsePartner(string text, out string role, out string party, out string? url)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var identity = at >= 0 ? text[..at] : text;
        url = at >= 0 ? text[(at + 1)..] : null;
        var colon = identity.IndexOf(':', StringComparison.Ordinal);
        role = colon > 0 ? identity[..colon] : string.Empty;
        party = colon > 0 ? identity[(colon + 1)..] : string.Empty;
        return colon > 0 && party.Length > 0 && (url is null || url.Length > 0);
    }
}
