using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Maintenance;
using RoamingGrpc.Domain.Sessions;

namespace RoamingGrpc.Endpoint.Tests.Mapping;

/// <summary>
/// The domain enums the endpoint casts to and from contract enums (a cast keeps the number, not the name) agree with
/// them member by member: same names, same numbers, none missing on either side. The one intended difference: the
/// contract's zero value (X_UNSPECIFIED, "not set", which the server rejects where a value is required) has no
/// domain member.
/// </summary>
public sealed class DomainEnumCastTests
{
    /// <summary>Each domain enum cast to or from a contract enum, with that contract enum and where the casts are.</summary>
    public static TheoryData<Type, Type> CastEnums => new()
    {
        // Features/Charging/SessionEvents ((SessionPhase)session.State, (SessionState)next), SessionCommands, Support/ConnectorUnlocks.
        { typeof(SessionPhase), typeof(SessionState) },

        // Features/Charging/SessionEvents ((SessionEvent)report.Type).
        { typeof(SessionEvent), typeof(SessionEventType) },

        // Features/Support/MaintenanceNotices ((MaintenancePhase)notice.State, (MaintenanceNoticeState)phase).
        { typeof(MaintenancePhase), typeof(MaintenanceNoticeState) },
    };

    [Theory]
    [MemberData(nameof(CastEnums))]
    public void DomainEnum_CastToAndFromTheContractEnum_HasEveryContractMemberButUnspecifiedWithTheSameNumber(Type domain, Type contract)
    {
        var contractMembers = Members(contract);

        Assert.Equal(contractMembers.Where(member => member.Number != 0), Members(domain));
        Assert.Equal([("Unspecified", 0L)], contractMembers.Where(member => member.Number == 0));
    }

    [Fact]
    public void SessionActivity_StoredInSessionReadings_KeepsTheNumbersOfMigration0006()
    {
        // Not a contract enum: SessionEvents stores (long)activity in session_readings.activity, documented by the
        // released migration 0006 as "0 charging, 1 parking", and SessionPricing and ConnectorUnlocks read it back.
        // Renumbering SessionActivity would misread every stored reading.
        Assert.Equal([("Charging", 0L), ("Parking", 1L)], Members(typeof(SessionActivity)));
    }

    // (name, number) of every member, in number order.
    private static List<(string Name, long Number)> Members(Type enumType) =>
        [.. Enum.GetValues(enumType).Cast<Enum>()
            .Select(member => (member.ToString(), Convert.ToInt64(member, CultureInfo.InvariantCulture)))
            .OrderBy(member => member.Item2)];
}
