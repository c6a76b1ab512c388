using System.Text;
using Google.Protobuf;
using RoamingGrpc.Cli.Commands;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Tariffs;

namespace RoamingGrpc.Fuzz.Loaders;

/// <summary>
/// <c>roaming backoffice load</c>: a file's text as the CLI reads it (<see cref="BackofficeFile"/>), then every site and
/// tariff through the checks the CSO endpoint applies when the CLI upserts it (<see cref="SiteValidator"/>,
/// <see cref="TariffValidator"/>). A record the endpoint accepts must be accepted again in the form it stored (that
/// form is what it pushes to partners, who check it the same way), unchanged.
/// </summary>
internal sealed class BackofficeLoadTarget : FuzzTarget
{
    private static readonly PartyIdentity Owner = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");

    public override string Name => "backoffice-load";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        BackofficeFile file;
        try
        {
            file = BackofficeFile.Parse(Encoding.UTF8.GetString(input));
        }
        catch (BackofficeFileException ex)
        {
            return FuzzOutcome.Refused(ex);
        }

        var accepted = 0;
        var refused = 0;
        foreach (var site in file.Sites)
        {
            if (Check(site, record => SiteValidator.Canonical(record, Owner)))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        foreach (var tariff in file.Tariffs)
        {
            if (Check(tariff, record => TariffValidator.Canonical(record, Owner)))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        return FuzzOutcome.Success($"{accepted} record(s) accepted, {refused} refused");
    }

    // One record as UpsertSite / UpsertTariff checks it: accepted (and stable), or refused with a RoamingException.
    private static bool Check<T>(T record, Func<T, T> canonical)
        where T : IMessage<T>
    {
        T stored;
        try
        {
            stored = canonical(record);
        }
        catch (RoamingException)
        {
            return false;
        }

        ContractViolationException.Require(canonical(stored).Equals(stored), $"a stored {typeof(T).Name} is accepted again unchanged");
        return true;
    }
}
